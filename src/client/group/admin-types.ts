/** Shapes the group admin client returns; plain objects, no imports, so the browser console can share them (src/console/views.ts). */

export interface GroupSummary {
  groupId: string;
  state: string;
  members: number;
}

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string;
  clientId: string;
  memberEpoch: number;
  subscribedTopics: string[];
  assignment: Array<{ topic: string; partitions: number[] }>;
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  /** -1 when nothing was committed. */
  committedOffset: number;
  logEndOffset: number;
  lag: number;
  /** Age of the oldest unconsumed record, in ms (0 with no lag). */
  lagMs: number;
  /** Member id of the owner, '' when unowned. */
  owner: string;
}

export interface GroupDescription {
  group: string;
  state: string;
  groupEpoch: number;
  members: GroupMemberDescription[];
  partitions: GroupPartitionLag[];
}

export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'timestamp'; timestampMs: number }
  | { kind: 'shift'; by: number };
