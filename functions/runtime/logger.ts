/** Structured JSON logs (Powertools), behind the core's small logger port. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { ChatLogger } from '../core/ports.js';

export const logger = new Logger({ serviceName: 'parley' });

export const chatLogger: ChatLogger = {
  info: (message, fields) => logger.info(message, fields ?? {}),
  warn: (message, fields) => logger.warn(message, fields ?? {}),
  error: (message, fields) => logger.error(message, fields ?? {}),
};
