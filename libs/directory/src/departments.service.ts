import { DomainError, ErrorCode, type Principal } from '#domain';
import type { Clock } from '#clock';
import type { EgressPolicy } from '#egress';
import type { PiiCipher } from '#parties';
import { cursorShape, toPage, type Cursors, type Database } from '#persistence';

export interface Department {
  code: string;
  name: string;
  categories: string[];
  webhookUrl: string | null;
  createdAt: Date;
}

interface DepartmentRow {
  code: string;
  name: string;
  categories: string[];
  webhook_url: string | null;
  created_at: Date;
}

const toDepartment = (r: DepartmentRow): Department => ({
  code: r.code,
  name: r.name,
  categories: r.categories,
  webhookUrl: r.webhook_url,
  createdAt: r.created_at,
});

/** Departments (职能部门) and their responsibility lists (权责清单). Webhook secrets are stored encrypted. */
export class DepartmentsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly cipher: PiiCipher,
    /** Where a webhook may point: checked here, and again by the worker on every connection. */
    private readonly egress: EgressPolicy,
    private readonly cursors: Cursors,
  ) {}

  /** Departments serve every unit of the deployment, so only an admin of every unit creates (or changes) them. */
  async create(
    input: { code: string; name: string; categories: string[]; webhookUrl?: string; webhookSecret?: string },
    by: Pick<Principal, 'scope'>,
  ): Promise<Department> {
    if (by.scope !== null)
      throw DomainError.forbidden(
        'Departments serve the whole deployment: only an admin of every unit may create one.',
      );
    if ((input.webhookUrl === undefined) !== (input.webhookSecret === undefined)) {
      throw DomainError.validation([{ field: 'webhookSecret', message: 'webhookUrl and webhookSecret go together' }]);
    }
    const refused = input.webhookUrl === undefined ? null : this.egress.refuseUrl(input.webhookUrl);
    if (refused) throw DomainError.validation([{ field: 'webhookUrl', message: refused }]);
    const rows = await this.db.query<DepartmentRow>(
      `INSERT INTO departments (code, name, categories, webhook_url, webhook_secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (code) DO NOTHING RETURNING code, name, categories, webhook_url, created_at`,
      [
        input.code,
        input.name,
        input.categories,
        input.webhookUrl ?? null,
        input.webhookSecret === undefined ? null : this.cipher.encrypt(input.webhookSecret),
        this.clock.now(),
      ],
    );
    if (!rows[0]) throw new DomainError(ErrorCode.Conflict, `Department ${input.code} already exists.`);
    return toDepartment(rows[0]);
  }

  async list(filter: {
    category?: string;
    cursor?: string;
    limit: number;
  }): Promise<{ items: Department[]; nextCursor: string | null }> {
    const rows = await this.db.query<DepartmentRow>(
      `SELECT code, name, categories, webhook_url, created_at FROM departments
       WHERE ($1::text IS NULL OR $1 = ANY(categories)) AND ($2::text IS NULL OR code > $2)
       ORDER BY code LIMIT $3`,
      [filter.category ?? null, this.cursors.decode('departments', filter.cursor, cursorShape.text), filter.limit + 1],
    );
    return toPage(rows, filter.limit, toDepartment, (last) => this.cursors.encode('departments', last.code));
  }
}
