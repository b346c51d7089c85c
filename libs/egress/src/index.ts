export * from './egress-agent.js';
export * from './egress-policy.js';
