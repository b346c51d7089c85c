import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from '#clock';
import { CONCORD_CONFIG, type ConcordConfig } from './config.js';

/** Provides the loaded configuration and the clock to every module. Tests pass their own clock. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ConcordConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: CONCORD_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [CONCORD_CONFIG, Clock],
    };
  }
}
