import { expect } from 'chai';
import { openInterBrokerListenerWarning, openListenerWarning } from '../../src/broker/server.js';
import { BROKER_CONFIG_DEFAULTS } from '../../src/config/broker-config.js';

describe('broker/server open-listener warning', () => {
  it('warns for a non-loopback address without authentication and authorization, and only then', () => {
    expect(openListenerWarning({ ...BROKER_CONFIG_DEFAULTS })).to.equal(undefined);
    expect(openListenerWarning({ ...BROKER_CONFIG_DEFAULTS, host: 'localhost' })).to.equal(undefined);
    expect(openListenerWarning({ ...BROKER_CONFIG_DEFAULTS, host: '0.0.0.0' })).to.match(/authentication.required=false and authorization.enabled=false/);
    expect(openListenerWarning({ ...BROKER_CONFIG_DEFAULTS, host: '10.1.2.3', authorizationEnabled: true })).to.match(/act as ANONYMOUS/);
    expect(openListenerWarning({ ...BROKER_CONFIG_DEFAULTS, host: '0.0.0.0', authorizationEnabled: true, authenticationRequired: true })).to.equal(undefined);
  });

  it('warns for an inter-broker listener off loopback without mutual TLS, and only then', () => {
    expect(openInterBrokerListenerWarning({ ...BROKER_CONFIG_DEFAULTS })).to.equal(undefined);
    expect(openInterBrokerListenerWarning({ ...BROKER_CONFIG_DEFAULTS, host: '0.0.0.0' })).to.match(/inter-broker listener 0.0.0.0:7002 .* anyone who can connect can act as a broker/);
    expect(openInterBrokerListenerWarning({ ...BROKER_CONFIG_DEFAULTS, host: '0.0.0.0', listenerInterBrokerTls: true })).to.equal(undefined);
  });
});
