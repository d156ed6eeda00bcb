import { Injectable } from '@nestjs/common';
import type { Page } from '../history/history.types';
import { TopicNotFoundError, UnknownSubscribersError } from './topic.errors';
import { TopicRepository } from './topic.repository';
import type { TopicSubscriber, TopicView } from './topic.types';

/** Topics and their subscribers (API.md §9): the rules; a send to a topic is BroadcastAcceptService's. */
@Injectable()
export class TopicService {
  constructor(private readonly topics: TopicRepository) {}

  put(key: string, name: string): Promise<{ topic: TopicView; created: boolean }> {
    return this.topics.upsert(key, name);
  }

  async list(limit: number, cursor?: string): Promise<Page<TopicView>> {
    const topics = await this.topics.page(limit + 1, cursor);
    const items = topics.slice(0, limit);
    return { items, nextCursor: topics.length > limit ? items[items.length - 1].key : null };
  }

  async get(key: string): Promise<TopicView> {
    const topic = await this.topics.find(key);
    if (!topic) throw new TopicNotFoundError(key);
    return topic;
  }

  /** All or nothing: any id that is not a stored recipient refuses the call (422 naming each). Repeats are no-ops. */
  async addSubscribers(key: string, recipientIds: string[]): Promise<{ added: number }> {
    const ids = [...new Set(recipientIds)];
    const result = await this.topics.addSubscribers(key, ids);
    if (result === 'unknown') throw new TopicNotFoundError(key);
    if ('missing' in result) {
      const missing = new Set(result.missing);
      throw new UnknownSubscribersError(
        recipientIds.flatMap((id, index) => (missing.delete(id) ? [{ index, id }] : [])),
      );
    }
    return result;
  }

  async removeSubscriber(key: string, recipientId: string): Promise<void> {
    if (!(await this.topics.removeSubscriber(key, recipientId))) throw new TopicNotFoundError(key);
  }

  async subscribers(key: string, limit: number, cursor?: string): Promise<Page<TopicSubscriber>> {
    const ids = await this.topics.subscriberPage(key, limit + 1, cursor);
    if (!ids) throw new TopicNotFoundError(key);
    const items = ids.slice(0, limit).map((recipientId) => ({ recipientId }));
    return { items, nextCursor: ids.length > limit ? items[items.length - 1].recipientId : null };
  }
}
