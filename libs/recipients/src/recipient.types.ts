export interface RecipientView {
  id: string;
  email: string | null;
  phone: string | null;
  locale: string | null;
  timezone: string | null;
  webhookUrl: string | null;
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}
