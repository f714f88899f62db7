export * from './batch.js';
export * from './compression.js';
export * from './errors.js';
export * from './grpc.js';
