/**
 * Request and response headers.
 *
 *   request header v1 := api_key int16, api_version int16, correlation_id int32, client_id nullable string
 *   request header v2 := v1, then tagged fields          (the request's version is flexible)
 *   response header v0 := correlation_id int32
 *   response header v1 := v0, then tagged fields          (flexible, except ApiVersions: always v0,
 *                                                          so a client can read it before it knows our versions)
 *
 * client_id keeps its classic int16 length even in header v2.
 */
import { KafkaReader, KafkaWriter } from './codec.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Reads the fixed part of a request header (api key, version, correlation id, client id). */
export function readRequestHeader(reader: KafkaReader): RequestHeader {
  const apiKey = reader.int16();
  const apiVersion = reader.int16();
  const correlationId = reader.int32();
  const clientId = reader.nullableString();
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Starts a response frame: the header, in the version the API and its version call for. */
export function responseWriter(correlationId: number, options: { flexibleBody: boolean; flexibleHeader: boolean }): KafkaWriter {
  const writer = new KafkaWriter(options.flexibleHeader);
  writer.int32(correlationId).tags();
  writer.flexible = options.flexibleBody;
  return writer;
}
