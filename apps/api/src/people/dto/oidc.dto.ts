import { ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { RETURN_PATH } from '#auth';
import { Optional } from '../../common/dto.js';

export class OidcBeginQuery {
  @ApiPropertyOptional({
    example: '/cases?view=mine',
    description:
      'Where to go once signed in: a path on this site, starting with a single `/` (printable ASCII, no ' +
      'backslash, at most 2048 characters). Default `/`.',
    maxLength: 2048,
    pattern: RETURN_PATH.source,
  })
  @Optional()
  @Matches(RETURN_PATH, { message: '$property must be a path on this site, starting with a single "/"' })
  next?: string;
}
