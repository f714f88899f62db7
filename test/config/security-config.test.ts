import { expect } from 'chai';
import { ConfigError, loadBrokerConfig, saslMechanisms, superUsers } from '../../src/config/broker-config.js';

describe('config: authentication and ACL settings', () => {
  it('defaults to open, with both SCRAM mechanisms enabled', () => {
    const config = loadBrokerConfig([], {});
    expect([config.authorizationEnabled, config.authenticationRequired, config.allowEveryoneIfNoAclFound]).to.deep.equal([false, false, false]);
    expect([...saslMechanisms(config)]).to.deep.equal(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect([...superUsers(config)]).to.deep.equal([]);
  });

  it('reads booleans, lists and mechanisms from flags and env', () => {
    const config = loadBrokerConfig(
      ['--authorization-enabled', 'true', '--super-users', 'admin, broker-1', '--sasl-enabled-mechanisms', 'SCRAM-SHA-512'],
      { SLUICE_AUTHENTICATION_REQUIRED: 'true' },
    );
    expect([config.authorizationEnabled, config.authenticationRequired]).to.deep.equal([true, true]);
    expect([...superUsers(config)]).to.deep.equal(['admin', 'broker-1']);
    expect([...saslMechanisms(config)]).to.deep.equal(['SCRAM-SHA-512']);
    expect([...saslMechanisms(loadBrokerConfig(['--sasl-enabled-mechanisms', ''], {}))]).to.deep.equal([]);
  });

  it('refuses bad values with the setting named', () => {
    expect(() => loadBrokerConfig(['--authorization-enabled', 'yes'], {})).to.throw(ConfigError, /authorization.enabled .* must be true or false/);
    expect(() => loadBrokerConfig(['--sasl-enabled-mechanisms', 'PLAIN'], {})).to.throw(ConfigError, /unknown mechanism "PLAIN"/);
    expect(() => loadBrokerConfig(['--sasl-session-lifetime-ms', '10'], {})).to.throw(ConfigError, /sasl.session.lifetime.ms/);
  });
});
