import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The template version a broadcast was accepted with, so that every subscriber gets that one whatever is
 * published during the fan-out (API.md §9). Nullable without a default: adding it rewrites no rows, and a
 * broadcast accepted before it (null) keeps rendering with the version active at each page.
 */
export class BroadcastTemplateVersion1765500000000 implements MigrationInterface {
  name = 'BroadcastTemplateVersion1765500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE broadcasts ADD COLUMN template_version integer`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE broadcasts DROP COLUMN template_version`);
  }
}
