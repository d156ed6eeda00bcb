import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { TemplateDefinition } from '../template.types';

@Entity('template_versions')
export class TemplateVersionEntity {
  @PrimaryColumn('text', { name: 'template_key' }) templateKey!: string;
  @PrimaryColumn('integer') version!: number;
  @Column('jsonb') definition!: TemplateDefinition;
  @Column('text', { name: 'definition_hash' }) definitionHash!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
