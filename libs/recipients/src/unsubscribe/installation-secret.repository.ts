import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The `installation_secrets` table: secrets Herald generates once and every process of the installation shares. */
@Injectable()
export class InstallationSecretRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The secret named `name`, stored as `generated` when there is none yet. Concurrent first calls agree: the
   * insert that loses the conflict inserts nothing, and the read after it (a statement of its own, so a snapshot
   * taken after the winner committed) returns the winner's.
   */
  async findOrCreate(name: string, generated: string): Promise<string> {
    await this.dataSource.query(
      `INSERT INTO installation_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [name, generated],
    );
    const [row] = await this.dataSource.query<[{ value: string }]>(
      `SELECT value FROM installation_secrets WHERE name = $1`,
      [name],
    );
    return row.value;
  }
}
