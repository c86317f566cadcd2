// Three small traces for the tests: a checkout that charges a payment and produces an order to
// a topic, a mailer that consumes it, and a nightly batch; links between them, one to a span
// not in the input.
'use strict';
const { makeRaw, traceId, spanId } = require('./fixture.js');

const shop = makeRaw({
  services: ['frontend', 'payment', 'mailer', 'batch'],
  traces: [
    { id: traceId(0xa1), startMicros: 1000, spans: [
      { id: spanId(0x11), start: 0, duration: 100, service: 0, name: 'GET /checkout', kind: 2 },
      { id: spanId(0x12), parent: 0, start: 10, duration: 50, service: 1, name: 'charge', kind: 3, status: 2,
        attributes: [['http.url', 'https://pay.example/charge']] },
      { id: spanId(0x13), parent: 0, start: 20, duration: 30, service: 0, name: 'produce order', kind: 4 },
      { id: spanId(0x14), parent: 1, start: 15, duration: 10, service: 1, name: 'db query' },
    ] },
    { id: traceId(0xb2), startMicros: 2000, spans: [
      { id: spanId(0x21), start: 0, duration: 40, service: 2, name: 'consume order', kind: 5 },
      { id: spanId(0x22), parent: 0, start: 5, duration: 30, service: 2, name: 'send mail', attributes: [['mail.to', 'Ada@example.com']] },
    ] },
    { id: traceId(0xc3), startMicros: 3000, spans: [
      { id: spanId(0x31), start: 0, duration: 10, service: 3, name: 'nightly' },
    ] },
  ],
  links: [
    { from: [1, 0], to: [0, 2] },
    { from: [2, 0], to: [0, 2], attributes: [['reason', 'reconcile']] },
    { from: [2, 0], to: -1 },
    { from: [0, 1], to: [0, 3] },
  ],
  peers: [{ name: 'orders', kind: 'messaging', system: 'kafka' }],
  peerCalls: [[[0, 2], 0], [[1, 0], 0]],
  // All three, joined by the links into the checkout; few enough to be drawn a trace a box, in
  // the order they started (Workflow.Grouping); the failing checkout drawn first.
  workflows: [{
    spans: 7, services: 4, failing: 1, duration: 2000010, longestChain: 1, byTrace: true,
    groups: [
      { traces: [0], failing: 1, errors: 1, longest: 100, priority: 0 },
      { traces: [1], failing: 0, errors: 0, longest: 40, priority: 1 },
      { traces: [2], failing: 0, errors: 0, longest: 10, priority: 2 },
    ],
    links: [[0, 1, 1], [0, 2, 1]],
  }],
});

module.exports = { shop, traceId, spanId };
