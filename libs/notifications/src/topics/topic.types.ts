/** A topic as its routes answer it. */
export interface TopicView {
  key: string;
  name: string;
  subscriberCount: number;
}

/** One subscriber in `GET /v1/topics/{key}/subscribers`. */
export interface TopicSubscriber {
  recipientId: string;
}
