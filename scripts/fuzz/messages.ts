/**
 * Random request messages for every RPC, generated from the proto descriptors (the same .proto files
 * src/protocol/grpc.ts loads), biased towards what reaches deep into the broker: names of topics and
 * groups that exist, small partition numbers, well-formed batches, then edge values (negative, huge,
 * 2^53-1, 100k-character strings) and byte-level mutations of the encoded message.
 */
import * as protoLoader from '@grpc/proto-loader';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROTO_LOADER_OPTIONS } from '../../src/protocol/grpc.js';
import type { Rng } from '../../src/raft/rng.js';
import { randomBatch } from './batches.js';

interface FieldDescriptor {
  name: string;
  label: string;
  type: string;
  typeName: string;
}

interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType?: MessageDescriptor[];
  options?: { mapEntry?: boolean } | null;
}

interface EnumDescriptor {
  value: Array<{ name: string; number: number }>;
}

export interface Rpc {
  /** `Service.Method`, as reports name it. */
  name: string;
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestType: string;
  serialize: (value: object) => Buffer;
}

export type Message = Record<string, unknown>;

const PACKAGE = 'sluice.v1';

/** Topic and group names a fuzzed request uses most of the time (the health topic is never among them). */
export const FUZZ_TOPICS = ['fuzz-a', 'fuzz-b', '__consumer_offsets'];
const GROUPS = ['g1', 'g2'];

/** Integers at the edges of every wire type, and the ones that name something. */
const EDGE_INTEGERS = [0, 1, 2, 3, -1, -2, 127, 128, 255, 65535, 65536, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -(2 ** 53 - 1), 4_000_000_000, 1e15];

export class MessageFactory {
  readonly rpcs: Rpc[];
  private readonly types = new Map<string, MessageDescriptor>();
  private readonly enums = new Map<string, EnumDescriptor>();

  constructor(projectRoot: string) {
    // Every .proto of the API, so that a service added later is fuzzed too.
    const files = readdirSync(join(projectRoot, 'proto', 'sluice', 'v1'))
      .filter((name) => name.endsWith('.proto'))
      .map((name) => `sluice/v1/${name}`);
    const definition = protoLoader.loadSync(files, { ...PROTO_LOADER_OPTIONS, includeDirs: [join(projectRoot, 'proto')] });
    this.rpcs = [];
    for (const [name, entry] of Object.entries(definition)) {
      const short = name.slice(PACKAGE.length + 1);
      if ('format' in entry && entry.format === 'Protocol Buffer 3 DescriptorProto') this.types.set(short, entry.type as MessageDescriptor);
      else if ('format' in entry && entry.format === 'Protocol Buffer 3 EnumDescriptorProto') this.enums.set(short, entry.type as EnumDescriptor);
      else if (!('format' in entry)) {
        for (const [method, spec] of Object.entries(entry as protoLoader.ServiceDefinition)) {
          const requestType = (spec.requestType.type as MessageDescriptor).name;
          this.rpcs.push({
            name: `${short}.${method}`,
            path: spec.path,
            requestStream: spec.requestStream,
            responseStream: spec.responseStream,
            requestType,
            serialize: spec.requestSerialize as (value: object) => Buffer,
          });
        }
      }
    }
  }

  /** A random request of the rpc's type. */
  message(rpc: Rpc, rng: Rng): Message {
    return this.build(this.types.get(rpc.requestType)!, rng, 0);
  }

  /** The message encoded, then (sometimes) mutated byte by byte; undefined when the encoder refuses the values. */
  encode(rpc: Rpc, message: Message, rng: Rng): Buffer | undefined {
    let bytes: Buffer;
    try {
      bytes = rpc.serialize(message);
    } catch {
      return undefined;
    }
    return rng() < 0.2 ? mutateBytes(bytes, rng) : bytes;
  }

  private build(type: MessageDescriptor, rng: Rng, depth: number): Message {
    const message: Message = {};
    for (const field of type.field) {
      if (rng() < 0.15) continue; // absent: the default
      const nested = field.type === 'TYPE_MESSAGE' ? this.resolve(type, field.typeName) : undefined;
      if (nested?.options?.mapEntry) {
        message[field.name] = randomMap(rng);
        continue;
      }
      if (field.label === 'LABEL_REPEATED') {
        const count = rng() < 0.05 ? 50 + Math.floor(rng() * 200) : Math.floor(rng() * 4);
        message[field.name] = Array.from({ length: count }, () => this.value(field, nested, rng, depth));
      } else {
        message[field.name] = this.value(field, nested, rng, depth);
      }
    }
    return message;
  }

  private resolve(parent: MessageDescriptor, typeName: string): MessageDescriptor | undefined {
    const short = typeName.startsWith(`.${PACKAGE}.`) ? typeName.slice(PACKAGE.length + 2) : typeName;
    return parent.nestedType?.find((nested) => nested.name === short) ?? this.types.get(short);
  }

  private value(field: FieldDescriptor, nested: MessageDescriptor | undefined, rng: Rng, depth: number): unknown {
    switch (field.type) {
      case 'TYPE_MESSAGE':
        return nested === undefined || depth > 4 ? {} : this.build(nested, rng, depth + 1);
      case 'TYPE_STRING':
        return randomString(field.name, rng);
      case 'TYPE_BYTES':
        return randomBytesField(field.name, rng);
      case 'TYPE_BOOL':
        return rng() < 0.5;
      case 'TYPE_ENUM': {
        const values = this.enums.get(field.typeName.replace(`.${PACKAGE}.`, ''))?.value ?? [];
        return values.length > 0 && rng() < 0.9 ? values[Math.floor(rng() * values.length)]!.name : Math.floor(rng() * 100);
      }
      case 'TYPE_DOUBLE':
      case 'TYPE_FLOAT':
        return pick(rng, [0, -1, NaN, Infinity, -Infinity, 1e308, rng() * 1000]);
      default:
        return randomInteger(field, rng);
    }
  }
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

function randomInteger(field: FieldDescriptor, rng: Rng): number {
  const unsigned = field.type.startsWith('TYPE_UINT') || field.type.startsWith('TYPE_FIXED');
  // Names: partitions, ids and offsets mostly small so that they name something.
  const small = /partition|broker|epoch|count|offset|id$/i.test(field.name) ? 0.6 : 0.4;
  let value = rng() < small ? Math.floor(rng() * 4) : pick(rng, EDGE_INTEGERS);
  if (field.name === 'acks' && rng() < 0.8) value = pick(rng, [0, 1, -1]);
  if (field.type.endsWith('32')) value = unsigned ? value >>> 0 : value | 0;
  else if (unsigned && value < 0) value = -value;
  return value;
}

function randomString(name: string, rng: Rng): string {
  const roll = rng();
  // A Raft group name: the metadata log, or a partition's `topic/partition@topicId` (ids are small).
  if (name === 'group' && roll < 0.7) {
    return rng() < 0.4 ? '__cluster_metadata' : `${pick(rng, [...FUZZ_TOPICS, 'fuzz-health'])}/${Math.floor(rng() * 3)}@${Math.floor(rng() * 30)}`;
  }
  if (roll < 0.4) {
    if (/topic|name/i.test(name)) return pick(rng, FUZZ_TOPICS);
    if (/group/i.test(name)) return pick(rng, GROUPS);
  }
  if (roll < 0.55) return '';
  if (roll < 0.75) return randomAscii(rng, 1 + Math.floor(rng() * 20));
  if (roll < 0.85) return pick(rng, ['..', '.', 'a/b', 'no/such topic', '\u0000', '😀'.repeat(3), 'é', '__x', '-', 'retention.ms', 'max.message.bytes']);
  if (roll < 0.97) return 'x'.repeat(pick(rng, [249, 250, 255, 256, 4096, 4097]));
  return 'y'.repeat(100_000);
}

function randomAscii(rng: Rng, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(32 + Math.floor(rng() * 95));
  return text;
}

function randomMap(rng: Rng): Record<string, string> {
  const keys = ['retention.ms', 'retention.bytes', 'max.message.bytes', 'message.ttl.ms', 'cleanup.policy', 'segment.bytes'];
  const map: Record<string, string> = {};
  const count = rng() < 0.05 ? 200 : Math.floor(rng() * 3);
  for (let i = 0; i < count; i++) {
    const key = rng() < 0.8 ? pick(rng, keys) : randomString('key', rng);
    map[key] = rng() < 0.5 ? String(pick(rng, EDGE_INTEGERS)) : randomString('value', rng);
  }
  return map;
}

function randomBytesField(name: string, rng: Rng): Buffer {
  if (/batch|records|data/i.test(name) && rng() < 0.8) return randomBatch(rng);
  const length = rng() < 0.9 ? Math.floor(rng() * 64) : Math.floor(rng() * 70_000);
  return randomBuffer(rng, length);
}

export function randomBuffer(rng: Rng, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(rng() * 256);
  return bytes;
}

/** Bit flips, truncation, junk appended, a slice repeated, or a forged length prefix. */
export function mutateBytes(bytes: Buffer, rng: Rng): Buffer {
  const out = Buffer.from(bytes);
  switch (Math.floor(rng() * 5)) {
    case 0:
      for (let i = 0, n = 1 + Math.floor(rng() * 4); i < n && out.length > 0; i++) out[Math.floor(rng() * out.length)]! ^= 1 << Math.floor(rng() * 8);
      return out;
    case 1:
      return out.subarray(0, Math.floor(rng() * out.length));
    case 2:
      return Buffer.concat([out, randomBuffer(rng, 1 + Math.floor(rng() * 32))]);
    case 3: {
      const from = Math.floor(rng() * out.length);
      return Buffer.concat([out, out.subarray(from, from + Math.floor(rng() * 64))]);
    }
    default:
      // Field 1, wire type 2 (length-delimited), claiming ~2^31 bytes.
      return Buffer.concat([Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07]), out]);
  }
}
