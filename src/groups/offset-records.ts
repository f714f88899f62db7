/**
 * The record format of __consumer_offsets. JSON keys and values keep the log readable with
 * `sluice consume __consumer_offsets`; a null value (tombstone) deletes the key; latest per key wins.
 *
 * - `["offset", group, topic, partition]` → `{"v":1, offset, metadata, commitTimestampMs, attempts?, topicId?}`
 * - `["group", group]` → `{"v":1, groupEpoch, partitionCounts}` (while the group has members)
 * - `["member", group, memberId]` → `{"v":1, instanceId?, clientId, memberEpoch, previousEpoch,
 *   subscribedTopics, owned, target, sessionTimeoutMs, maxPollIntervalMs, leftForRestart}`, with
 *   `owned` and `target` as `[{topic, partitions}]`
 * - `["classic", group]` → `{"v":1, generationId, protocolType, protocolName, leaderId, members:
 *   [{memberId, instanceId?, clientId, clientHost, sessionTimeoutMs, rebalanceTimeoutMs,
 *   protocols: [{name, metadata}], assignment}]}` (a Kafka classic group's last Stable state; bytes
 *   in base64)
 */
import type { DecodedRecord, RecordInput } from '../protocol/batch.js';
import type { GroupSnapshot, MemberSnapshot } from './membership.js';
import type { ClassicSnapshot } from './classic-group.js';
import type { CommittedOffset, GroupsEntry } from './offset-store.js';
import { fromWire, toWire, type TopicPartitionsWire } from './topic-partition.js';

const VALUE_VERSION = 1;

interface OffsetValueV1 {
  v: 1;
  offset: number;
  metadata: string;
  commitTimestampMs: number;
  attempts?: { offset: number; count: number; lastError: string };
  topicId?: number;
}

interface GroupValueV1 extends GroupSnapshot {
  v: 1;
}

interface MemberValueV1 {
  v: 1;
  instanceId?: string;
  clientId: string;
  memberEpoch: number;
  previousEpoch: number;
  subscribedTopics: string[];
  owned: TopicPartitionsWire[];
  target: TopicPartitionsWire[];
  sessionTimeoutMs: number;
  maxPollIntervalMs: number;
  leftForRestart: boolean;
}

interface ClassicValueV1 {
  v: 1;
  generationId: number;
  protocolType: string;
  protocolName: string;
  leaderId: string;
  members: Array<{
    memberId: string;
    instanceId?: string;
    clientId: string;
    clientHost: string;
    sessionTimeoutMs: number;
    rebalanceTimeoutMs: number;
    protocols: Array<{ name: string; metadata: string }>;
    assignment: string;
  }>;
}

export function encodeEntry(entry: GroupsEntry): RecordInput {
  switch (entry.kind) {
    case 'offset': {
      const key = jsonBytes(['offset', entry.group, entry.topic, entry.partition]);
      if (entry.value === undefined) return { key, value: null };
      const value: OffsetValueV1 = {
        v: VALUE_VERSION,
        offset: entry.value.offset,
        metadata: entry.value.metadata,
        commitTimestampMs: entry.value.commitTimestampMs,
      };
      if (entry.value.attempts) value.attempts = entry.value.attempts;
      if (entry.value.topicId !== undefined) value.topicId = entry.value.topicId;
      return { key, value: jsonBytes(value), timestamp: entry.value.commitTimestampMs };
    }
    case 'group': {
      const key = jsonBytes(['group', entry.group]);
      if (entry.value === undefined) return { key, value: null };
      const value: GroupValueV1 = { v: VALUE_VERSION, groupEpoch: entry.value.groupEpoch, partitionCounts: entry.value.partitionCounts };
      return { key, value: jsonBytes(value) };
    }
    case 'member': {
      const key = jsonBytes(['member', entry.group, entry.memberId]);
      if (entry.value === undefined) return { key, value: null };
      const member = entry.value;
      const value: MemberValueV1 = {
        v: VALUE_VERSION,
        clientId: member.clientId,
        memberEpoch: member.memberEpoch,
        previousEpoch: member.previousEpoch,
        subscribedTopics: member.subscribedTopics,
        owned: toWire(member.owned),
        target: toWire(member.target),
        sessionTimeoutMs: member.sessionTimeoutMs,
        maxPollIntervalMs: member.maxPollIntervalMs,
        leftForRestart: member.leftForRestart,
      };
      if (member.instanceId !== undefined) value.instanceId = member.instanceId;
      return { key, value: jsonBytes(value) };
    }
    case 'classic': {
      const key = jsonBytes(['classic', entry.group]);
      if (entry.value === undefined) return { key, value: null };
      const snapshot = entry.value;
      const value: ClassicValueV1 = {
        v: VALUE_VERSION,
        generationId: snapshot.generationId,
        protocolType: snapshot.protocolType,
        protocolName: snapshot.protocolName,
        leaderId: snapshot.leaderId,
        members: snapshot.members.map((m) => ({
          memberId: m.memberId,
          ...(m.instanceId !== undefined ? { instanceId: m.instanceId } : {}),
          clientId: m.clientId,
          clientHost: m.clientHost,
          sessionTimeoutMs: m.sessionTimeoutMs,
          rebalanceTimeoutMs: m.rebalanceTimeoutMs,
          protocols: m.protocols.map((p) => ({ name: p.name, metadata: p.metadata.toString('base64') })),
          assignment: m.assignment.toString('base64'),
        })),
      };
      return { key, value: jsonBytes(value) };
    }
  }
}

const NOT_JSON = Symbol('not JSON');

/** A record's key or value as JSON; NOT_JSON for bytes that are not (written by no coordinator: skipped). */
function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

/** The entry a record holds; undefined for a record this version does not know, or not JSON (skipped, not fatal). */
export function decodeEntry(record: DecodedRecord): GroupsEntry | undefined {
  if (record.key === null) return undefined;
  const key = parseJson(record.key);
  if (!Array.isArray(key)) return undefined;
  const value = record.value === null ? undefined : parseJson(record.value);
  if (record.value !== null && value === NOT_JSON) return undefined;
  if (value !== undefined && (typeof value !== 'object' || value === null || (value as { v?: unknown }).v !== VALUE_VERSION)) return undefined;
  if (key[0] === 'offset' && key.length === 4) {
    const [, group, topic, partition] = key as [string, string, string, number];
    return { kind: 'offset', group, topic, partition, value: value === undefined ? undefined : offsetValue(value as OffsetValueV1) };
  }
  if (key[0] === 'group' && key.length === 2) {
    const group = key[1] as string;
    if (value === undefined) return { kind: 'group', group, value: undefined };
    const { groupEpoch, partitionCounts } = value as GroupValueV1;
    return { kind: 'group', group, value: { groupEpoch, partitionCounts } };
  }
  if (key[0] === 'member' && key.length === 3) {
    const [, group, memberId] = key as [string, string, string];
    return { kind: 'member', group, memberId, value: value === undefined ? undefined : memberValue(memberId, value as MemberValueV1) };
  }
  if (key[0] === 'classic' && key.length === 2) {
    return { kind: 'classic', group: key[1] as string, value: value === undefined ? undefined : classicValue(value as ClassicValueV1) };
  }
  return undefined;
}

function offsetValue(value: OffsetValueV1): CommittedOffset {
  const committed: CommittedOffset = {
    offset: value.offset,
    metadata: value.metadata,
    commitTimestampMs: value.commitTimestampMs,
    attempts: value.attempts,
  };
  if (value.topicId !== undefined) committed.topicId = value.topicId;
  return committed;
}

function memberValue(memberId: string, value: MemberValueV1): MemberSnapshot {
  return {
    memberId,
    instanceId: value.instanceId,
    clientId: value.clientId,
    memberEpoch: value.memberEpoch,
    previousEpoch: value.previousEpoch,
    subscribedTopics: value.subscribedTopics,
    owned: fromWire(value.owned),
    target: fromWire(value.target),
    sessionTimeoutMs: value.sessionTimeoutMs,
    maxPollIntervalMs: value.maxPollIntervalMs,
    leftForRestart: value.leftForRestart,
  };
}

function classicValue(value: ClassicValueV1): ClassicSnapshot {
  return {
    generationId: value.generationId,
    protocolType: value.protocolType,
    protocolName: value.protocolName,
    leaderId: value.leaderId,
    members: value.members.map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      sessionTimeoutMs: m.sessionTimeoutMs,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      protocols: m.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata, 'base64') })),
      assignment: Buffer.from(m.assignment, 'base64'),
    })),
  };
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
