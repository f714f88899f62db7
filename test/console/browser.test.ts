/**
 * The web console in a real browser (headless Chromium): every page loads; a topic is created, a
 * test message produced and found by its key; a group's lag falls while its consumer runs, and its
 * offsets are reset through preview and confirmation; a dead-lettered record is redriven and
 * consumed. Screenshots of every page go to CONSOLE_SCREENSHOTS_DIR (default: a temporary directory,
 * removed afterwards).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createClient, type GroupConsumer, type GroupMessage, type Sluice } from '../../src/client/index.js';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';
import { launchChromium } from '../helpers/browser.js';

const WAIT_MS = 20_000;

describe('console in a browser', function () {
  this.timeout(180_000);
  let broker: BrokerProcess;
  let browser: Browser;
  let page: Page;
  let sluice: Sluice;
  const shotsDir = process.env.CONSOLE_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'sluice-console-shots-'));
  const consumers: GroupConsumer[] = [];
  const pageErrors: string[] = [];

  async function open(hash: string): Promise<void> {
    await page.goto(`http://127.0.0.1:${broker.httpPort}/${hash}`);
  }

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
  }

  /** A member of `groupId` on `topic`, its handler `handle`; closed in after() if the test does not. */
  function member(groupId: string, topic: string, handle: (message: GroupMessage) => Promise<void> | void): { consumer: GroupConsumer; running: Promise<void> } {
    const consumer = sluice.groupConsumer({ groupId, maxAttempts: 1, autoCommitIntervalMs: 100, sessionTimeoutMs: 3000 });
    consumer.subscribe([topic]);
    consumers.push(consumer);
    return { consumer, running: consumer.run({ eachMessage: handle }) };
  }

  before(async () => {
    mkdirSync(shotsDir, { recursive: true });
    broker = await BrokerProcess.start({ args: ['--console-history-interval-ms', '250'] });
    sluice = createClient({ bootstrap: broker.address });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  after(async () => {
    await Promise.all(consumers.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
    await broker?.cleanup();
    if (process.env.CONSOLE_SCREENSHOTS_DIR === undefined) rmSync(shotsDir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(pageErrors, 'errors thrown in the page').to.deep.equal([]);
  });

  it('shows the overview with the broker', async () => {
    await open('#/');
    const row = page.locator('#brokers tr[data-broker="1"]');
    await row.waitFor({ timeout: WAIT_MS });
    expect(await row.innerText()).to.match(/alive/);
    expect(await row.innerText()).to.match(/controller/);
    await shot('overview');
  });

  it('creates a topic, produces a test message and finds it by key', async () => {
    await open('#/topics');
    await page.fill('#create-topic input[name=name]', 'orders');
    await page.fill('#create-topic input[name=partitions]', '3');
    await page.fill('#create-topic textarea[name=configs]', 'retention.ms=86400000\nmessage.ttl.ms=3600000');
    await page.click('#create-topic button[type=submit]');
    await page.locator('#topics tr[data-topic="orders"]').waitFor({ timeout: WAIT_MS });
    await shot('topics');

    await page.click('#topics tr[data-topic="orders"] a');
    await page.locator('#partitions tbody tr').nth(2).waitFor({ timeout: WAIT_MS });
    expect(await page.locator('#partitions tbody tr').count()).to.equal(3);
    expect(await page.locator('#configs').innerText()).to.include('86400000');
    await shot('topic');

    await open('#/messages/orders');
    await page.fill('#produce input[name=key]', 'order-42');
    await page.fill('#produce textarea[name=value]', '{"id":42,"item":"green tea","qty":2}');
    await page.fill('#produce textarea[name=headers]', 'source=browser');
    await page.click('#produce button[type=submit]');
    await page.locator('#produced').waitFor({ timeout: WAIT_MS });
    // A few neighbours, so that the filter has something to leave out.
    const producer = sluice.producer({ lingerMs: 0 });
    await producer.send({ topic: 'orders', records: Array.from({ length: 20 }, (_, i) => ({ key: `order-${i}`, value: JSON.stringify({ id: i, item: 'coffee' }) })) });
    await producer.close();

    await page.fill('#browse input[name=key]', 'order-42');
    await page.selectOption('#browse select[name=from]', 'beginning');
    await page.click('#browse button[type=submit]');
    const rows = page.locator('#records tbody tr[data-offset]');
    await rows.first().waitFor({ timeout: WAIT_MS });
    expect(await rows.count()).to.equal(1);
    expect(await rows.locator('.key').innerText()).to.equal('order-42');
    expect(await rows.locator('pre.value').innerText()).to.equal(JSON.stringify({ id: 42, item: 'green tea', qty: 2 }, null, 2));
    expect(await rows.innerText()).to.include('source=browser');
    expect(await rows.innerText()).to.match(/1\.0 h \(expires/);
    // Without the filter, the newest records of every partition.
    await page.fill('#browse input[name=key]', '');
    await page.click('#browse button[type=submit]');
    await waitFor('all 21 records', async () => ((await rows.count()) === 21 ? true : undefined), WAIT_MS);
    await shot('messages');
  });

  it('shows a group\'s lag falling while it consumes, then resets its offsets through a preview and a confirmation', async () => {
    let handled = 0;
    const { consumer, running } = member('billing', 'orders', async () => {
      handled++;
      await new Promise((resolve) => setTimeout(resolve, 150));
    });
    await open('#/groups/billing');
    const totalLag = page.locator('#total-lag');
    const seen: number[] = [];
    await waitFor('the lag to fall to 0', async () => {
      if ((await totalLag.count()) === 0) return undefined;
      const lag = Number((await totalLag.innerText()).replace(/,/g, ''));
      if (seen[seen.length - 1] !== lag) seen.push(lag);
      return lag === 0 && handled >= 21 ? true : undefined;
    }, 60_000, 100);
    expect(seen.length, `lag values seen: ${seen.join(', ')}`).to.be.at.least(2);
    expect(seen[0]).to.be.greaterThan(0);
    expect(seen, 'lag only falls').to.deep.equal([...seen].sort((a, b) => b - a));
    await shot('group-consuming');
    await consumer.close();
    await running;

    await open('#/groups');
    await page.locator('#groups tr[data-group="billing"]').waitFor({ timeout: WAIT_MS });
    await shot('groups');

    await open('#/groups/billing');
    await page.locator('#reset select[name=topic]').waitFor({ timeout: WAIT_MS });
    await waitFor('no live members', async () => ((await page.locator('#members').innerText()).includes('No live members') ? true : undefined), WAIT_MS);
    await page.selectOption('#reset select[name=kind]', 'earliest');
    await page.click('#reset button[type=submit]');
    const preview = page.locator('#preview tbody tr');
    await preview.first().waitFor({ timeout: WAIT_MS });
    expect(await preview.count()).to.equal(3);
    expect(await totalLag.innerText(), 'a preview changes nothing').to.equal('0');
    await shot('group-reset-preview');
    await page.click('#confirm-reset');
    await page.locator('#reset-done').waitFor({ timeout: WAIT_MS });
    await waitFor('the lag after the reset', async () => ((await totalLag.innerText()) === '21' ? true : undefined), WAIT_MS);
  });

  it('redrives a dead-lettered record, which its group then consumes', async () => {
    const admin = sluice.admin();
    await admin.createTopic({ name: 'payments', partitions: 1, replicationFactor: 1 });
    await admin.close();
    const producer = sluice.producer({ lingerMs: 0 });
    await producer.send({ topic: 'payments', records: [{ key: 'pay-1', value: 'ok' }, { key: 'pay-2', value: '{"amount": -5}', headers: { reason: 'test' } }, { key: 'pay-3', value: 'ok' }] });
    await producer.close();
    let broken = true;
    const consumed: GroupMessage[] = [];
    const { consumer, running } = member('payers', 'payments', (message) => {
      if (broken && message.key?.toString() === 'pay-2') throw new Error('negative amount');
      consumed.push(message);
    });
    await waitFor('two payments handled', () => (consumed.length >= 2 ? true : undefined), WAIT_MS);

    await open('#/dead-letters/payments.dlq');
    const row = page.locator('#dead-letters tr[data-record="0:0"]');
    await row.waitFor({ timeout: WAIT_MS });
    const text = await row.innerText();
    expect(text).to.include('payments[0]@1');
    expect(text).to.include('negative amount');
    expect(text).to.include('payers');
    await shot('dead-letters');

    broken = false; // fixed: the redriven record goes through
    await row.locator('input[type=checkbox]').check();
    await page.click('#redrive-selected');
    await page.locator('#redrive-done').waitFor({ timeout: WAIT_MS });
    expect(await page.locator('#redrive-done').innerText()).to.include('0:0 → payments[0]@3');
    await waitFor('the dead letter gone from the pending list', async () => ((await page.locator('#dead-letters').innerText()).includes('Nothing pending') ? true : undefined), WAIT_MS);
    const redriven = await waitFor('the redriven record consumed', () => consumed.find((m) => m.key?.toString() === 'pay-2'), WAIT_MS);
    expect(redriven.offset).to.equal(3);
    expect(redriven.value?.toString()).to.equal('{"amount": -5}');
    expect(redriven.headers.map((h) => h.key)).to.deep.equal(['reason', 'sluice-redriven-from']);
    await consumer.close();
    await running;
  });

  it('draws the charts', async () => {
    await open('#/charts');
    await waitFor('five charts drawn', async () => ((await page.locator('.chart canvas').count()) === 5 ? true : undefined), WAIT_MS);
    await waitFor('samples in the charts', async () => ((await page.locator('.chart .muted').count()) === 0 ? true : undefined), WAIT_MS);
    expect(await page.locator('.chart[data-chart="Consumer group lag"] .u-legend').innerText()).to.include('billing');
    await shot('charts');
    await open('#/');
    await page.locator('.chart canvas').first().waitFor({ timeout: WAIT_MS });
    await shot('overview');
  });
});
