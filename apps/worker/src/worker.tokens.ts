/** Nest token of the map of BullMQ queues by QueueName. */
export const QUEUES = 'CONCORD_QUEUES';
