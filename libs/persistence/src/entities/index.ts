import { ApiKeyEntity } from './api-key.entity.js';
import { DepartmentEntity } from './department.entity.js';
import { UnitEntity } from './unit.entity.js';

export { ApiKeyEntity, DepartmentEntity, UnitEntity };
export const entities = [UnitEntity, DepartmentEntity, ApiKeyEntity];
