import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { Cursors } from './cursors.js';
import { createDataSource } from './data-source.js';
import { Database } from './database.js';
import { ApiKeysRepository } from './repositories/api-keys.repository.js';
import { CalendarRepository } from './repositories/calendar.repository.js';
import { DeliveriesRepository } from './repositories/deliveries.repository.js';
import { DepartmentsRepository } from './repositories/departments.repository.js';
import { PoliciesRepository } from './repositories/policies.repository.js';
import { SecurityLogRepository } from './repositories/security-log.repository.js';
import { UnitsRepository } from './repositories/units.repository.js';

/** The repositories, each built on Database so that it joins the ambient transaction. */
const REPOSITORIES = [
  UnitsRepository,
  DepartmentsRepository,
  PoliciesRepository,
  ApiKeysRepository,
  DeliveriesRepository,
  CalendarRepository,
  SecurityLogRepository,
];

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [CONCORD_CONFIG],
      useFactory: async (config: ConcordConfig) =>
        createDataSource({ url: config.databaseUrl, poolSize: config.dbPoolSize }).initialize(),
    },
    { provide: Database, inject: [DataSource], useFactory: (dataSource: DataSource) => new Database(dataSource) },
    { provide: Cursors, inject: [CONCORD_CONFIG], useFactory: (config: ConcordConfig) => new Cursors(config.dataKey) },
    ...REPOSITORIES.map((repository) => ({
      provide: repository,
      inject: [Database],
      useFactory: (db: Database) => new repository(db),
    })),
  ],
  exports: [DataSource, Database, Cursors, ...REPOSITORIES],
})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
