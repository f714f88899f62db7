// Original file: proto/sluice/v1/broker.proto


export interface Reassignment {
  'topic'?: (string);
  'partition'?: (number);
  'replicas'?: (number)[];
  'target'?: (number)[];
  'voters'?: (number)[];
  'learners'?: (number)[];
}

export interface Reassignment__Output {
  'topic': (string);
  'partition': (number);
  'replicas': (number)[];
  'target': (number)[];
  'voters': (number)[];
  'learners': (number)[];
}
