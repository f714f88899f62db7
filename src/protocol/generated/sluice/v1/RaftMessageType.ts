// Original file: proto/sluice/v1/raft.proto

export const RaftMessageType = {
  RAFT_MESSAGE_TYPE_UNSPECIFIED: 'RAFT_MESSAGE_TYPE_UNSPECIFIED',
  PRE_VOTE: 'PRE_VOTE',
  VOTE: 'VOTE',
  PRE_VOTE_RESP: 'PRE_VOTE_RESP',
  VOTE_RESP: 'VOTE_RESP',
  APPEND: 'APPEND',
  APPEND_RESP: 'APPEND_RESP',
  HEARTBEAT: 'HEARTBEAT',
  HEARTBEAT_RESP: 'HEARTBEAT_RESP',
  SNAPSHOT: 'SNAPSHOT',
  TIMEOUT_NOW: 'TIMEOUT_NOW',
} as const;

export type RaftMessageType =
  | 'RAFT_MESSAGE_TYPE_UNSPECIFIED'
  | 0
  | 'PRE_VOTE'
  | 1
  | 'VOTE'
  | 2
  | 'PRE_VOTE_RESP'
  | 3
  | 'VOTE_RESP'
  | 4
  | 'APPEND'
  | 5
  | 'APPEND_RESP'
  | 6
  | 'HEARTBEAT'
  | 7
  | 'HEARTBEAT_RESP'
  | 8
  | 'SNAPSHOT'
  | 9
  | 'TIMEOUT_NOW'
  | 10

export type RaftMessageType__Output = typeof RaftMessageType[keyof typeof RaftMessageType]
