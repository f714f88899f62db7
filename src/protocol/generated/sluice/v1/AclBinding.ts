// Original file: proto/sluice/v1/broker.proto


export interface AclBinding {
  'principal'?: (string);
  'permission'?: (string);
  'operation'?: (string);
  'resourceType'?: (string);
  'resourceName'?: (string);
  'patternType'?: (string);
  'host'?: (string);
}

export interface AclBinding__Output {
  'principal': (string);
  'permission': (string);
  'operation': (string);
  'resourceType': (string);
  'resourceName': (string);
  'patternType': (string);
  'host': (string);
}
