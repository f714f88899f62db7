import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROKER_CONFIG_DEFAULTS, BROKER_CONFIG_KEYS, clusterMembership, ConfigError, kafkaListeners, loadBrokerConfig } from '../../src/config/broker-config.js';
import { applyTopicConfig, TOPIC_CONFIG_DEFAULTS, topicConfigToStrings } from '../../src/config/topic-config.js';
import { SluiceError } from '../../src/protocol/errors.js';

describe('broker config', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sluice-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the documented defaults', () => {
    const config = loadBrokerConfig([], {});
    expect(config).to.deep.equal({ ...BROKER_CONFIG_DEFAULTS, advertisedHost: '127.0.0.1', kafkaAdvertisedHost: '127.0.0.1' });
    expect(config.port).to.equal(7001);
    expect(config.httpPort).to.equal(8001);
  });

  it('keeps the Kafka listener off unless kafka.port is set, and reads its block of settings', () => {
    expect(loadBrokerConfig([], {}).kafkaPort).to.equal(-1);
    const config = loadBrokerConfig(['--kafka-port', '9092', '--advertised-host', 'b1.example', '--kafka-max-frame-bytes', '2048'], {});
    expect([config.kafkaPort, config.kafkaAdvertisedHost, config.kafkaMaxFrameBytes]).to.deep.equal([9092, 'b1.example', 2048]);
    expect(loadBrokerConfig(['--kafka-port', '0', '--kafka-advertised-host', 'k1'], {}).kafkaAdvertisedHost).to.equal('k1');
    expect(loadBrokerConfig([], { SLUICE_KAFKA_PORT: '-1' }).kafkaPort).to.equal(-1);
    const listeners = kafkaListeners(loadBrokerConfig(['--broker-id', '2', '--kafka-cluster-brokers', '1@h1:9101,2@h2:9102'], {}), 9999);
    expect([...listeners]).to.deep.equal([
      [1, { host: 'h1', port: 9101 }],
      [2, { host: '127.0.0.1', port: 9999 }],
    ]);
    expect(() => loadBrokerConfig(['--kafka-port', '-2'], {})).to.throw(ConfigError);
    expect(() => loadBrokerConfig(['--kafka-port', '70000'], {})).to.throw(ConfigError);
    expect(() => loadBrokerConfig(['--kafka-max-frame-bytes', '10'], {})).to.throw(ConfigError);
    expect(() => loadBrokerConfig(['--kafka-cluster-brokers', '1@h1'], {})).to.throw(ConfigError, /kafka.cluster.brokers/);
  });

  it('layers file < env < flags', () => {
    const file = join(dir, 'broker.properties');
    writeFileSync(file, '# a comment\nbroker.id=2\nport=7102\nhttp.port=8102\ndata.dir=/tmp/x\n');
    const config = loadBrokerConfig(['--config', file, '--port', '7202'], { SLUICE_PORT: '7302', SLUICE_HTTP_PORT: '8302' });
    expect(config.brokerId).to.equal(2);
    expect(config.port).to.equal(7202);
    expect(config.httpPort).to.equal(8302);
    expect(config.dataDir).to.equal('/tmp/x');
  });

  it('is durable by default (flush always: group commit) and takes the opt-outs', () => {
    expect(loadBrokerConfig([], {}).flush).to.equal('always');
    expect(loadBrokerConfig(['--flush', 'never'], {}).flush).to.equal('never');
    expect(loadBrokerConfig([], { SLUICE_FLUSH: 'interval:100' }).flush).to.equal('interval:100');
  });

  it('sizes the tail cache (16 MiB unless set; 0 keeps no batches in memory)', () => {
    expect(loadBrokerConfig([], {}).tailCacheBytes).to.equal(16 * 1024 * 1024);
    expect(loadBrokerConfig(['--tail-cache-bytes', '1048576'], {}).tailCacheBytes).to.equal(1_048_576);
    expect(loadBrokerConfig([], { SLUICE_TAIL_CACHE_BYTES: '0' }).tailCacheBytes).to.equal(0);
    expect(() => loadBrokerConfig(['--tail-cache-bytes', '-1'], {})).to.throw(ConfigError, /tail.cache.bytes/);
  });

  const bad: Array<[string, string[], NodeJS.ProcessEnv, RegExp]> = [
    ['a non-numeric port', ['--port', 'abc'], {}, /port .* must be a non-negative integer/],
    ['a port above 65535', ['--port', '70000'], {}, /port .* 0-65535/],
    ['an unknown flag', ['--colour', 'red'], {}, /colour/],
    ['broker id 0', ['--broker-id', '0'], {}, /broker.id must be >= 1/],
    ['a bad env value', [], { SLUICE_HTTP_PORT: 'x' }, /SLUICE_HTTP_PORT/],
    ['a missing config file', ['--config', '/nonexistent/sluice.properties'], {}, /cannot read config file/],
    ['an unknown flush policy', ['--flush', 'sometimes'], {}, /flush must be "always", "interval:<ms>" or "never"/],
  ];
  for (const [what, argv, env, message] of bad) {
    it(`rejects ${what} with a clear message`, () => {
      expect(() => loadBrokerConfig(argv, env)).to.throw(ConfigError, message);
    });
  }

  it('rejects an unknown key and a malformed line in the file', () => {
    const unknown = join(dir, 'unknown.properties');
    writeFileSync(unknown, 'colour=red\n');
    expect(() => loadBrokerConfig(['--config', unknown], {})).to.throw(ConfigError, /unknown setting "colour"/);
    const malformed = join(dir, 'malformed.properties');
    writeFileSync(malformed, 'port 7001\n');
    expect(() => loadBrokerConfig(['--config', malformed], {})).to.throw(ConfigError, /:1: expected key=value/);
  });

  it('reads the inter-broker listener and TLS settings, later --config files overriding earlier ones', () => {
    const base = join(dir, 'broker.properties');
    writeFileSync(base, 'broker.id=2\nport=7102\ninter.broker.port=7202\ncluster.brokers=1@h1:7201,2@h2:7202\n');
    const overlay = join(dir, 'secure.properties');
    writeFileSync(overlay, 'tls.ca.file=ca.pem\nlistener.client.tls=true\nlistener.inter.broker.tls=true\n');
    const config = loadBrokerConfig(['--config', base, '--config', overlay, '--tls-cert-file', 'b2.pem', '--tls-key-file', 'b2.key'], {});
    expect(config).to.include({ interBrokerPort: 7202, listenerClientTls: true, listenerInterBrokerTls: true, tlsCaFile: 'ca.pem', tlsCertFile: 'b2.pem' });
    expect(loadBrokerConfig([], {})).to.include({ interBrokerPort: 7002, listenerClientTls: false, listenerInterBrokerTls: false });
    // Alone, a broker's peer address is its own inter-broker listener.
    expect(clusterMembership(loadBrokerConfig(['--inter-broker-port', '7302'], {})).addresses.get(1)).to.equal('127.0.0.1:7302');
  });

  describe('joining: controller.quorum.voters', () => {
    const quorum = '1@10.0.0.1:7201,2@10.0.0.2:7202,3@10.0.0.3:7203';

    it('is all a broker that is not a voter needs: the voters, and its own inter-broker listener', () => {
      const config = loadBrokerConfig(['--broker-id', '4', '--advertised-host', '10.0.0.4', '--inter-broker-port', '7204', '--controller-quorum-voters', quorum], {});
      expect(clusterMembership(config)).to.deep.equal({
        addresses: new Map([[1, '10.0.0.1:7201'], [2, '10.0.0.2:7202'], [3, '10.0.0.3:7203'], [4, '10.0.0.4:7204']]),
        voters: [1, 2, 3],
      });
    });

    it('serves a voter as well, and agrees with a cluster.brokers that says the same', () => {
      const config = loadBrokerConfig(['--broker-id', '2', '--controller-quorum-voters', quorum, '--cluster-brokers', '2@10.0.0.2:7202,5@10.0.0.5:7205', '--controller-voters', '3,2,1'], {});
      const membership = clusterMembership(config);
      expect(membership.voters).to.deep.equal([1, 2, 3]);
      expect(membership.addresses.get(2)).to.equal('10.0.0.2:7202');
      expect(membership.addresses.get(5)).to.equal('10.0.0.5:7205');
    });

    const conflicts: Array<[string, string[], RegExp]> = [
      ['a voter at two addresses', ['--cluster-brokers', '1@10.0.0.9:7201'], /controller.quorum.voters says broker 1 is at 10.0.0.1:7201, cluster.brokers says 10.0.0.9:7201/],
      ['other voter ids in controller.voters', ['--controller-voters', '1,2'], /controller.voters \(1,2\) differs from the ids of controller.quorum.voters \(1,2,3\)/],
    ];
    for (const [what, argv, message] of conflicts) {
      it(`rejects ${what}`, () => {
        expect(() => loadBrokerConfig(['--broker-id', '4', '--controller-quorum-voters', quorum, ...argv], {})).to.throw(ConfigError, message);
      });
    }

    it('rejects a malformed entry', () => {
      expect(() => loadBrokerConfig(['--controller-quorum-voters', '1@host'], {})).to.throw(ConfigError, /controller.quorum.voters: expected id@host:port, got "1@host"/);
    });
  });

  const badListeners: Array<[string, string[], RegExp]> = [
    ['the same port for both listeners', ['--port', '7001', '--inter-broker-port', '7001'], /inter.broker.port must differ from port/],
    ['TLS without its files', ['--listener-client-tls', 'true', '--tls-ca-file', 'ca.pem'], /tls.cert.file is required when a listener runs TLS/],
    ['a boolean that is not true or false', ['--listener-inter-broker-tls', 'yes'], /listener.inter.broker.tls .* must be true or false/],
  ];
  for (const [what, argv, message] of badListeners) {
    it(`rejects ${what}`, () => {
      expect(() => loadBrokerConfig(argv, {})).to.throw(ConfigError, message);
    });
  }
});

describe('topic config', () => {
  it('applies valid overrides and resets keys to defaults', () => {
    const config = applyTopicConfig(TOPIC_CONFIG_DEFAULTS, { 'retention.ms': '-1', 'message.ttl.ms': '5000' });
    expect(config['retention.ms']).to.equal(-1);
    expect(config['message.ttl.ms']).to.equal(5000);
    const reset = applyTopicConfig(config, {}, ['message.ttl.ms']);
    expect(reset['message.ttl.ms']).to.equal(0);
    expect(topicConfigToStrings(reset)['retention.ms']).to.equal('-1');
  });

  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ 'retention.ms': '-2' }, /retention.ms must be between/],
    [{ 'retention.bytes': '0' }, /retention.bytes must be between/],
    [{ 'max.message.bytes': '10' }, /max.message.bytes must be between/],
    [{ 'message.ttl.ms': '1.5' }, /must be an integer/],
    [{ 'cleanup.policy': 'compact' }, /not supported yet/],
    [{ 'cleanup.policy': 'shred' }, /must be delete/],
    [{ 'segment.bytes': '1' }, /unknown topic config key/],
  ];
  for (const [set, message] of bad) {
    it(`rejects ${JSON.stringify(set)} with INVALID_CONFIG`, () => {
      try {
        applyTopicConfig(TOPIC_CONFIG_DEFAULTS, set);
        expect.fail('accepted');
      } catch (err) {
        expect(err).to.be.instanceOf(SluiceError);
        expect((err as SluiceError).code).to.equal('INVALID_CONFIG');
        expect((err as SluiceError).message).to.match(message);
      }
    });
  }
});

describe('README', () => {
  it('documents every broker setting', () => {
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    for (const key of Object.keys(BROKER_CONFIG_KEYS)) expect(readme, key).to.include(`| \`${key}\` |`);
  });
});
