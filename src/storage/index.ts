export type { AppendResult, BatchMeta, FlushPolicy, LogStore, PartitionLog, SnapshotMarker } from './types.js';
export { openLogStore, type LevelLogStoreOptions } from './leveldb-store.js';
export { openMemoryLogStore } from './memory-store.js';
export { parseFlushPolicy, FLUSH_INTERVAL_MS_MAX } from './flush-policy.js';
export { planRetention, isBatchExpired, type BatchList, type RetentionInput, type RetentionPlan, type RetentionReason } from './retention.js';
export { TAIL_CACHE_BYTES_MAX_DEFAULT } from './tail-cache.js';
export { RECOVERY_VERIFY_BATCHES_MAX, RECOVERY_VERIFY_BYTES_MAX } from './recovery.js';
