import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PreparedStatements } from '@herald/core';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { TemplateVersionEntity } from './entities/template-version.entity';
import { TemplateEntity } from './entities/template.entity';
import type { TemplateDefinition } from './template.types';

export interface TemplateRow {
  template: TemplateEntity;
  version: TemplateVersionEntity;
}

@Injectable()
export class TemplateRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly prepared: PreparedStatements,
  ) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The template row locked for the rest of the transaction, deleted or not. */
  async lockTemplate(manager: EntityManager, key: string): Promise<TemplateEntity | null> {
    return manager.getRepository(TemplateEntity).findOne({ where: { key }, lock: { mode: 'pessimistic_write' } });
  }

  async findVersion(
    key: string,
    version: number,
    manager = this.dataSource.manager,
  ): Promise<TemplateVersionEntity | null> {
    return manager.getRepository(TemplateVersionEntity).findOneBy({ templateKey: key, version });
  }

  async findActive(key: string): Promise<TemplateRow | null> {
    const template = await this.dataSource.getRepository(TemplateEntity).findOneBy({ key, deletedAt: IsNull() });
    if (!template) return null;
    const version = await this.findVersion(key, template.activeVersion);
    return version && { template, version };
  }

  /** The active version of each of `keys` not deleted, read in one statement (the accept path's read). */
  async findActiveDefinitions(
    keys: string[],
  ): Promise<Map<string, { version: number; definition: TemplateDefinition }>> {
    const rows = await this.prepared.query<{ key: string; version: number; definition: TemplateDefinition }>(
      'herald_template_definitions',
      `SELECT t.key, v.version, v.definition
       FROM templates t JOIN template_versions v ON v.template_key = t.key AND v.version = t.active_version
       WHERE t.key = ANY($1::text[]) AND t.deleted_at IS NULL`,
      [keys],
    );
    return new Map(rows.map((row) => [row.key, { version: row.version, definition: row.definition }]));
  }

  async listActive(): Promise<TemplateRow[]> {
    const templates = await this.dataSource
      .getRepository(TemplateEntity)
      .find({ where: { deletedAt: IsNull() }, order: { key: 'ASC' } });
    const versions = templates.length
      ? await this.dataSource
          .getRepository(TemplateVersionEntity)
          .createQueryBuilder('v')
          .where('(v.template_key, v.version) IN (SELECT key, active_version FROM templates WHERE deleted_at IS NULL)')
          .getMany()
      : [];
    const byKey = new Map(versions.map((version) => [version.templateKey, version]));
    return templates.map((template) => ({ template, version: byKey.get(template.key)! }));
  }

  async listVersions(key: string): Promise<TemplateVersionEntity[]> {
    return this.dataSource.getRepository(TemplateVersionEntity).find({
      where: { templateKey: key },
      order: { version: 'DESC' },
    });
  }

  /** Call with the template row locked, so two writers cannot take the same number. */
  async nextVersion(manager: EntityManager, key: string): Promise<number> {
    const [{ next }] = await manager.query<[{ next: number }]>(
      'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM template_versions WHERE template_key = $1',
      [key],
    );
    return next;
  }

  async insertVersion(
    manager: EntityManager,
    key: string,
    version: number,
    definition: TemplateDefinition,
    hash: string,
  ): Promise<TemplateVersionEntity> {
    const repo = manager.getRepository(TemplateVersionEntity);
    return repo.save(repo.create({ templateKey: key, version, definition, definitionHash: hash }));
  }

  async saveTemplate(
    manager: EntityManager,
    template: Partial<TemplateEntity> & { key: string },
  ): Promise<TemplateEntity> {
    const repo = manager.getRepository(TemplateEntity);
    await repo.save(repo.create(template));
    // Read back: save() of a partial row answers only the columns it was given.
    return repo.findOneByOrFail({ key: template.key });
  }

  async markDeleted(key: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(TemplateEntity)
      .update({ key, deletedAt: IsNull() }, { deletedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }
}
