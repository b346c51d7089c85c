import type { TestApi } from './api-client.js';

/**
 * A small real-looking hierarchy and departments:
 *   XC 西城区 (district) → XC-XH 新华街道 (street) → XC-XH-01 新华社区 (community) → XC-XH-01-G1 (grid)
 *                        → XC-YL 月坛街道 (street) → XC-YL-01 (community)
 *   DC 东城区 (district)
 */
export const UNITS = [
  { code: 'XC', name: '西城区', level: 'district' },
  { code: 'XC-XH', name: '新华街道', level: 'street', parentCode: 'XC' },
  { code: 'XC-XH-01', name: '新华社区', level: 'community', parentCode: 'XC-XH' },
  { code: 'XC-XH-01-G1', name: '新华社区第一网格', level: 'grid', parentCode: 'XC-XH-01' },
  { code: 'XC-YL', name: '月坛街道', level: 'street', parentCode: 'XC' },
  { code: 'XC-YL-01', name: '月坛社区', level: 'community', parentCode: 'XC-YL' },
  { code: 'DC', name: '东城区', level: 'district' },
] as const;

export const DEPARTMENTS = [
  { code: 'POLICE', name: '派出所', categories: ['public_order', 'neighbour'] },
  { code: 'JUSTICE', name: '司法所', categories: ['neighbour', 'family', 'labour', 'consumer'] },
  { code: 'HRSS', name: '人力资源和社会保障局', categories: ['labour'] },
  { code: 'HOUSING', name: '住房和城乡建设委员会', categories: ['property_management', 'land'] },
] as const;

export async function seedDirectory(api: TestApi): Promise<void> {
  for (const unit of UNITS) {
    const reply = await api.call('POST', '/units', { body: unit });
    if (reply.status !== 201) throw new Error(`seeding unit ${unit.code}: ${JSON.stringify(reply.body)}`);
  }
  for (const department of DEPARTMENTS) {
    const reply = await api.call('POST', '/departments', { body: department });
    if (reply.status !== 201) throw new Error(`seeding department ${department.code}: ${JSON.stringify(reply.body)}`);
  }
}

export const dispute = (overrides: Record<string, unknown> = {}) => ({
  kind: 'dispute',
  channel: 'walk_in',
  unitCode: 'XC-XH-01',
  summary: '楼上漏水纠纷',
  description: '住户反映楼上卫生间漏水导致天花板受损，双方协商未果。',
  category: 'neighbour',
  parties: [
    { role: 'applicant', name: '王小明', phone: '13812345678', idNumber: '110101199003071234' },
    { role: 'respondent', name: '李大华', phone: '13987654321' },
  ],
  ...overrides,
});

export const petition = (overrides: Record<string, unknown> = {}) => ({
  kind: 'petition',
  channel: 'letter',
  unitCode: 'XC-XH',
  summary: '反映小区停车管理问题',
  description: '来信反映小区物业乱收停车费，要求有关部门调查处理。',
  category: 'property_management',
  parties: [{ role: 'applicant', name: '赵丽', phone: '13600001111', idNumber: '110102198501012345' }],
  ...overrides,
});
