/** Nest token of the map of BullMQ queues by QueueName (provided by QueuesModule). */
export { QUEUES } from '#queues';
