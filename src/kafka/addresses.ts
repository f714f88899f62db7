/**
 * Where Kafka clients reach each broker, for Metadata and FindCoordinator: the Kafka listener each
 * broker registered with the controller (so a broker that joined later is found), overridden by
 * kafka.cluster.brokers where the operator configured one, and this broker's own bound listener.
 */
import type { MetadataImage } from '../controller/metadata-image.js';
import type { KafkaListenerAddress } from './handlers.js';

/** `configured`: kafka.cluster.brokers and this broker's own listener; they win over registrations. */
export function kafkaAddresses(configured: ReadonlyMap<number, KafkaListenerAddress>, image: MetadataImage): Map<number, KafkaListenerAddress> {
  const addresses = new Map<number, KafkaListenerAddress>();
  for (const broker of Object.values(image.brokers)) {
    const registered = broker.kafkaAddress === undefined ? undefined : parseHostPort(broker.kafkaAddress);
    if (registered !== undefined) addresses.set(broker.id, registered);
  }
  for (const [id, address] of configured) addresses.set(id, address);
  return addresses;
}

/**
 * kafkaAddresses of the current image, recomputed only when the image or the configured map
 * changes (Metadata is asked often, the image changes rarely).
 */
export function kafkaAddressBook(configured: () => ReadonlyMap<number, KafkaListenerAddress>, image: () => MetadataImage): () => ReadonlyMap<number, KafkaListenerAddress> {
  let last: { configured: ReadonlyMap<number, KafkaListenerAddress>; image: MetadataImage; addresses: ReadonlyMap<number, KafkaListenerAddress> } | undefined;
  return () => {
    const [nowConfigured, nowImage] = [configured(), image()];
    if (last === undefined || last.configured !== nowConfigured || last.image !== nowImage) {
      last = { configured: nowConfigured, image: nowImage, addresses: kafkaAddresses(nowConfigured, nowImage) };
    }
    return last.addresses;
  };
}

/** `host:port` or `[v6]:port` as registered (the controller checked the form); undefined when malformed. */
function parseHostPort(address: string): KafkaListenerAddress | undefined {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return colon > 0 && host !== '' && Number.isInteger(port) && port >= 1 && port <= 65535 ? { host, port } : undefined;
}
