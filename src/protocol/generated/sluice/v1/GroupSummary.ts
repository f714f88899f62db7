// Original file: proto/sluice/v1/groups.proto


export interface GroupSummary {
  'groupId'?: (string);
  'state'?: (string);
  'members'?: (number);
}

export interface GroupSummary__Output {
  'groupId': (string);
  'state': (string);
  'members': (number);
}
