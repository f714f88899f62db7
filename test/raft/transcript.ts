/**
 * Transcript ("datadriven") test harness: a script of commands, each
 * followed by `----` and the expected output, blocks separated by blank
 * lines; `#` lines are comments. The harness drives an in-memory group and
 * prints what happened, so a transcript documents a scenario step by step.
 */
import { MemoryStorage, Raft, decodeConfEntry, seededRng } from '../../src/raft/index.js';
import type { Entry, Message, NodeId, RaftLimits } from '../../src/raft/index.js';

const dec = new TextDecoder();
const enc = new TextEncoder();

export function fmtEntries(ents: Entry[]): string {
  return ents.map((e) => `${e.index}/${e.term}${fmtData(e.data)}`).join(' ');
}

/** An entry's data: a configuration entry as `conf(voters/learners)`, other data as text. */
function fmtData(data: Uint8Array): string {
  const conf = decodeConfEntry(data);
  if (conf !== undefined) return `:conf(${conf.voters.join(',')}/${conf.learners.join(',')})`;
  return data.length ? `:${dec.decode(data)}` : '';
}

export function fmtMsg(m: Message): string {
  const h = `${m.from}->${m.to} ${m.type} t${m.term}`;
  switch (m.type) {
    case 'preVote':
    case 'vote':
      return `${h} last=${m.lastLogIndex}/${m.lastLogTerm}${m.transfer ? ' transfer' : ''}`;
    case 'preVoteResp':
    case 'voteResp':
      return `${h} ${m.reject ? 'rejected' : 'granted'}`;
    case 'append':
      return `${h} prev=${m.prevIndex}/${m.prevTerm} commit=${m.commit} [${fmtEntries(m.entries)}]`;
    case 'appendResp':
      return (m.reject ? `${h} reject index=${m.index} hint=${m.hintIndex}/${m.hintTerm}` : `${h} index=${m.index}`) + (m.repairing ? ' repairing' : '');
    case 'heartbeat':
      return `${h} commit=${m.commit}`;
    case 'heartbeatResp':
    case 'timeoutNow':
      return h;
    case 'snapshot':
      return `${h} index=${m.snapshot.index} term=${m.snapshot.term} data="${dec.decode(m.snapshot.data)}"`;
  }
}

interface TNode {
  raft: Raft;
  disk: MemoryStorage;
}

export class TranscriptEnv {
  private nodes = new Map<NodeId, TNode>();
  private voters: NodeId[] = [];
  private limits: Partial<RaftLimits> = {};
  private queue: Message[] = [];
  private blocked = new Set<string>();
  private out: string[] = [];

  run(cmd: string, args: string[]): string {
    this.out = [];
    this.exec(cmd, args);
    return this.out.length ? this.out.join('\n') : 'ok';
  }

  private say(s: string): void {
    this.out.push(s);
  }

  private node(id: string | number): TNode {
    const n = this.nodes.get(Number(id));
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  private describe(id: NodeId): string {
    const s = this.node(id).raft.status();
    return `${s.role} t${s.term}${s.leaderId ? ` lead=${s.leaderId}` : ''}`;
  }

  /** Runs fn on node id and reports if its role/term/leader changed. */
  private watch(id: NodeId, fn: () => void): void {
    const before = this.describe(id);
    fn();
    const after = this.describe(id);
    if (after !== before) this.say(`  ${id}: ${before} -> ${after}`);
  }

  private exec(cmd: string, args: string[]): void {
    switch (cmd) {
      case 'add-nodes': {
        const n = Number(args[0]);
        const limits: Partial<RaftLimits> = {};
        for (const kv of args.slice(1)) {
          const [k, v] = kv.split('=');
          (limits as Record<string, number>)[k!] = Number(v);
        }
        const voters = Array.from({ length: n }, (_, i) => i + 1);
        this.voters = voters;
        this.limits = limits;
        for (const id of voters) this.nodes.set(id, this.boot(id, new MemoryStorage()));
        this.exec('status', []);
        return;
      }
      case 'campaign':
        this.watch(Number(args[0]), () => this.node(args[0]!).raft.campaign());
        return;
      case 'tick': {
        const id = Number(args[0]);
        const count = Number(args[1] ?? 1);
        for (let i = 0; i < count; i++) this.watch(id, () => this.node(id).raft.tick());
        return;
      }
      case 'tick-all': {
        // tick-all N [IDs]: N ticks on each given node (default all), in lockstep.
        const count = Number(args[0]);
        const ids = args.length > 1 ? args.slice(1).map(Number) : [...this.nodes.keys()];
        for (let i = 0; i < count; i++) for (const id of ids) this.watch(id, () => this.node(id).raft.tick());
        return;
      }
      case 'tick-heartbeat': {
        // One heartbeat interval on every node given (default: all).
        const ids = args.length ? args.map(Number) : [...this.nodes.keys()];
        for (const id of ids) this.watch(id, () => this.node(id).raft.tick());
        return;
      }
      case 'propose': {
        const r = this.node(args[0]!).raft.propose(enc.encode(args[1] ?? ''));
        this.say(r.ok ? `ok index=${r.index} term=${r.term}` : `refused: ${r.reason} (leader ${r.leaderId})`);
        return;
      }
      case 'resend': {
        // resend FROM TO PREV [N]: leader FROM sends again the N (default 1) entries after PREV of its
        // log with its current commit, as a retransmission or a smaller batch may at any time.
        const from = Number(args[0]);
        const to = Number(args[1]);
        const prev = Number(args[2]);
        const { raft, disk } = this.node(from);
        const m: Message = {
          type: 'append',
          from,
          to,
          term: raft.term,
          prevIndex: prev,
          prevTerm: disk.term(prev),
          entries: disk.entries(prev + 1, prev + 1 + Number(args[3] ?? 1), Infinity),
          commit: raft.commitIndex,
        };
        if (this.blocked.has(`${from}>${to}`)) this.say(`${fmtMsg(m)} DROPPED (partition)`);
        else this.queue.push(m);
        return;
      }
      case 'add-node': {
        // add-node ID: a new node with an empty log, bootstrapped as a learner of the voters.
        const id = Number(args[0]);
        const disk = new MemoryStorage();
        this.nodes.set(id, { disk, raft: new Raft({ ...this.limits, id, voters: this.voters, learners: [id], storage: disk, random: seededRng(1000 + id) }) });
        this.exec('status', [String(id)]);
        return;
      }
      case 'add-learner':
      case 'promote':
      case 'remove': {
        // add-learner|promote|remove LEADER ID: the leader proposes that membership step.
        const type = cmd === 'add-learner' ? 'addLearner' : cmd;
        const r = this.node(args[0]!).raft.proposeConfChange({ type, node: Number(args[1]) });
        this.say(r.ok ? `ok index=${r.index} term=${r.term}` : `refused: ${r.reason} (leader ${r.leaderId})`);
        return;
      }
      case 'transfer-leadership':
        this.say(`${this.node(args[0]!).raft.transferLeadership(Number(args[1]))}`);
        return;
      case 'process-ready':
        for (const a of args) this.processReady(Number(a));
        return;
      case 'deliver-msgs':
        this.deliver(args.length ? new Set(args.map(Number)) : undefined);
        return;
      case 'drop-msgs': {
        const to = args.length ? new Set(args.map(Number)) : undefined;
        const dropped = this.queue.filter((m) => !to || to.has(m.to));
        this.queue = this.queue.filter((m) => to && !to.has(m.to));
        for (const m of dropped) this.say(`dropped: ${fmtMsg(m)}`);
        return;
      }
      case 'stabilize':
        this.stabilize();
        return;
      case 'partition': {
        // partition 1 2 | 3 : no traffic between the two sides.
        const bar = args.indexOf('|');
        const a = args.slice(0, bar).map(Number);
        const b = args.slice(bar + 1).map(Number);
        for (const x of a) for (const y of b) {
          this.blocked.add(`${x}>${y}`);
          this.blocked.add(`${y}>${x}`);
        }
        return;
      }
      case 'block': // one-way: block FROM TO
        this.blocked.add(`${args[0]}>${args[1]}`);
        return;
      case 'heal':
        this.blocked.clear();
        return;
      case 'lose': {
        // lose ID INDEX: node ID crashes and its disk loses the entries from INDEX on, hard state
        // untouched (a damaged write-ahead log); it restarts over what is left.
        const n = this.node(args[0]!);
        n.disk.loseFrom(Number(args[1]));
        this.restart(Number(args[0]));
        return;
      }
      case 'repair': {
        // repair ID INDEX: node ID's driver found entry INDEX damaged: it records the last entry it
        // held in the hard state, truncates its log at INDEX and restarts the node (as ReplicatedLog).
        const n = this.node(args[0]!);
        const d = n.disk;
        d.setHardState({ ...n.raft.hardState(), repairIndex: d.lastIndex(), repairTerm: d.term(d.lastIndex()) });
        d.loseFrom(Number(args[1]));
        this.restart(Number(args[0]));
        return;
      }
      case 'compact': {
        const n = this.node(args[0]!);
        n.disk.compact(Number(args[1]), enc.encode(args[2] ?? ''));
        this.say(`${args[0]}: log ${n.disk.firstIndex()}..${n.disk.lastIndex()}`);
        return;
      }
      case 'log': {
        const n = this.node(args[0]!);
        const d = n.disk;
        const snap = d.snapshot();
        this.say(`snapshot ${snap.index}/${snap.term}; entries [${fmtEntries(d.entries(d.firstIndex(), d.lastIndex() + 1, Infinity))}]`);
        return;
      }
      case 'status': {
        const ids = args.length ? args.map(Number) : [...this.nodes.keys()];
        for (const id of ids) {
          const s = this.node(id).raft.status();
          const hs = this.node(id).raft.hardState();
          this.say(
            `${id}: ${s.role} term=${s.term} vote=${s.vote} lead=${s.leaderId} commit=${s.commitIndex} ` +
              `applied=${s.appliedIndex} log=${s.firstIndex}..${s.lastIndex}` +
              (s.repairing ? ` repairing until ${hs.repairIndex}/${hs.repairTerm}` : '') +
              // The configuration, once it differs from the group add-nodes made.
              (s.learners.length > 0 || s.voters.join() !== this.voters.join() ? ` conf=${s.voters.join(',')}/${s.learners.join(',')}` : ''),
          );
        }
        return;
      }
      default:
        throw new Error(`unknown command ${cmd}`);
    }
  }

  private boot(id: NodeId, disk: MemoryStorage): TNode {
    return { disk, raft: new Raft({ ...this.limits, id, voters: this.voters, storage: disk, random: seededRng(1000 + id) }) };
  }

  /** The node's process restarts over its disk (volatile state and unsent messages are gone). */
  private restart(id: NodeId): void {
    const n = this.node(id);
    this.nodes.set(id, this.boot(id, n.disk));
    this.queue = this.queue.filter((m) => m.from !== id);
    this.exec('status', [String(id)]);
  }

  private processReady(id: NodeId): boolean {
    const n = this.node(id);
    if (!n.raft.hasReady()) return false;
    const rd = n.raft.ready();
    if (rd.snapshot) {
      n.disk.applySnapshot(rd.snapshot);
      this.say(`${id}: persist snapshot ${rd.snapshot.index}/${rd.snapshot.term}`);
    }
    n.disk.append(rd.entries);
    if (rd.hardState) n.disk.setHardState(rd.hardState);
    for (const m of rd.messages) {
      if (this.blocked.has(`${m.from}>${m.to}`)) this.say(`${fmtMsg(m)} DROPPED (partition)`);
      else this.queue.push(m);
    }
    if (rd.committedEntries.length) this.say(`${id}: apply [${fmtEntries(rd.committedEntries)}]`);
    n.raft.advance();
    return true;
  }

  private deliver(to?: Set<NodeId>): boolean {
    const now = this.queue.filter((m) => !to || to.has(m.to));
    this.queue = this.queue.filter((m) => to && !to.has(m.to));
    for (const m of now) {
      this.say(fmtMsg(m));
      this.watch(m.to, () => this.node(m.to).raft.step(m));
    }
    return now.length > 0;
  }

  private stabilize(): void {
    for (let round = 0; round < 100; round++) {
      let progressed = false;
      for (const id of this.nodes.keys()) progressed = this.processReady(id) || progressed;
      progressed = this.deliver() || progressed;
      if (!progressed) return;
    }
    throw new Error('stabilize did not converge');
  }
}

export interface Block {
  comments: string[];
  cmd: string;
  expected: string;
}

export function parseTranscript(text: string): { blocks: Block[]; trailing: string[] } {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let comments: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) {
      comments.push(line);
      i++;
      continue;
    }
    const cmd = line;
    i++;
    if (lines[i] !== '----') throw new Error(`line ${i + 1}: expected ---- after "${cmd}"`);
    i++;
    const out: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') out.push(lines[i++]!);
    blocks.push({ comments, cmd, expected: out.join('\n') });
    comments = [];
  }
  return { blocks, trailing: comments };
}

/** Runs a transcript; returns the actual text (same commands, fresh output). */
export function runTranscript(text: string): { actual: string; mismatches: string[] } {
  const { blocks } = parseTranscript(text);
  const env = new TranscriptEnv();
  const parts: string[] = [];
  const mismatches: string[] = [];
  for (const b of blocks) {
    const [cmd, ...args] = b.cmd.trim().split(/\s+/);
    const got = env.run(cmd!, args);
    if (got !== b.expected) mismatches.push(`${b.cmd}\n--- expected\n${b.expected}\n--- got\n${got}`);
    parts.push(...b.comments.filter((c) => c.startsWith('#')), b.cmd, '----', got, '');
  }
  return { actual: parts.join('\n'), mismatches };
}
