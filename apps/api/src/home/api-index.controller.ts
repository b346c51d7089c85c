import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '#auth';
import { CONCORD_CONFIG, type ConcordConfig } from '#config';
import { ApiProblems } from '../common/api-docs.js';

class ApiIndexLinks {
  @ApiProperty({ example: '/docs', description: 'The API documentation (OpenAPI UI)' })
  docs!: string;

  @ApiProperty({ example: '/docs-json', description: 'The OpenAPI document' })
  openapi!: string;

  @ApiProperty({ example: '/api/v1/health', description: 'Whether PostgreSQL and Redis answer' })
  health!: string;

  @ApiProperty({ example: '/metrics', description: 'Prometheus metrics' })
  metrics!: string;
}

class ApiIndex {
  @ApiProperty({ example: 'Concord' })
  name!: string;

  @ApiProperty({ example: '1', description: 'The version of the API under this prefix' })
  version!: string;

  @ApiProperty({ type: ApiIndexLinks })
  links!: ApiIndexLinks;

  @ApiProperty({
    description:
      'Whether people may sign in through the organisation’s identity provider (GET /session/oidc): the console ' +
      'shows its button only then.',
  })
  singleSignOn!: boolean;
}

const LINKS: ApiIndexLinks = { docs: '/docs', openapi: '/docs-json', health: '/api/v1/health', metrics: '/metrics' };

/**
 * `/api/v1` itself, the base URL `npm start` prints and every request starts from: where to go next, rather
 * than a 404. Public like the documentation it points to.
 */
@ApiTags('ops')
@Controller()
export class ApiIndexController {
  constructor(@Inject(CONCORD_CONFIG) private readonly config: ConcordConfig) {}

  @Get()
  @Public()
  @ApiOperation({
    operationId: 'getApiIndex',
    summary: 'Where to start',
    description:
      'Links to the documentation, the OpenAPI document, health and metrics, and whether single sign-on is ' +
      'configured. Public.',
  })
  @ApiOkResponse({ type: ApiIndex })
  @ApiProblems()
  index(): ApiIndex {
    return { name: 'Concord', version: '1', links: LINKS, singleSignOn: this.config.oidc != null };
  }
}
