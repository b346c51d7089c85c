import { DomainError, ErrorCode, type DepartmentFunction, type Principal } from '#domain';
import type { Clock } from '#clock';
import type { EgressPolicy } from '#egress';
import type { PiiCipher } from '#parties';
import { cursorShape, DepartmentEntity, toPage, type Cursors, type DepartmentsRepository } from '#persistence';

export interface Department {
  code: string;
  name: string;
  categories: string[];
  webhookUrl: string | null;
  /** `discipline_inspection` for the body that receives accusations; null for the others. */
  function: DepartmentFunction | null;
  createdAt: Date;
}

const toDepartment = (r: DepartmentEntity): Department => ({
  code: r.code,
  name: r.name,
  categories: r.categories,
  webhookUrl: r.webhookUrl,
  function: r.function,
  createdAt: r.createdAt,
});

/** Departments (职能部门) and their responsibility lists (权责清单). Webhook secrets are stored encrypted. */
export class DepartmentsService {
  constructor(
    private readonly departments: DepartmentsRepository,
    private readonly clock: Clock,
    private readonly cipher: PiiCipher,
    /** Where a webhook may point: checked here, and again by the worker on every connection. */
    private readonly egress: EgressPolicy,
    private readonly cursors: Cursors,
  ) {}

  /** Departments serve every unit of the deployment, so only an admin of every unit creates (or changes) them. */
  async create(
    input: {
      code: string;
      name: string;
      categories: string[];
      webhookUrl?: string;
      webhookSecret?: string;
      function?: DepartmentFunction;
    },
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
    const department = Object.assign(new DepartmentEntity(), {
      code: input.code,
      name: input.name,
      categories: input.categories,
      webhookUrl: input.webhookUrl ?? null,
      webhookSecret: input.webhookSecret === undefined ? null : this.cipher.encrypt(input.webhookSecret),
      function: input.function ?? null,
      createdAt: this.clock.now(),
    });
    const taken = await this.departments.insertIfAbsent(department);
    if (taken === 'code') throw new DomainError(ErrorCode.Conflict, `Department ${input.code} already exists.`);
    if (taken === 'function')
      throw new DomainError(
        ErrorCode.Conflict,
        `Another department is already the ${input.function!.replace('_', '-')} body: a deployment has one.`,
      );
    return toDepartment(department);
  }

  /**
   * Marks the department as the one with `fn` (the discipline-inspection body), or unmarks it (null). Like
   * creating departments, only an admin of every unit does it; another department with `fn` is a 409.
   */
  async setFunction(code: string, fn: DepartmentFunction | null, by: Pick<Principal, 'scope'>): Promise<Department> {
    if (by.scope !== null)
      throw DomainError.forbidden(
        'Departments serve the whole deployment: only an admin of every unit may change one.',
      );
    const result = await this.departments.setFunction(code, fn);
    if (result === 'missing') throw DomainError.notFound(`Department ${code}`);
    if (result === 'taken')
      throw new DomainError(
        ErrorCode.Conflict,
        `Another department is already the ${fn!.replace('_', '-')} body: a deployment has one.`,
      );
    return toDepartment(result);
  }

  async list(filter: {
    category?: string;
    cursor?: string;
    limit: number;
  }): Promise<{ items: Department[]; nextCursor: string | null }> {
    const rows = await this.departments.list({
      category: filter.category ?? null,
      after: this.cursors.decode('departments', filter.cursor, cursorShape.text),
      limit: filter.limit + 1,
    });
    return toPage(rows, filter.limit, toDepartment, (last) => this.cursors.encode('departments', last.code));
  }
}
