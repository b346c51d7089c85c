import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { Cursors } from './cursors.js';
import { createDataSource } from './data-source.js';
import { Database } from './database.js';

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
  ],
  exports: [DataSource, Database, Cursors],
})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
