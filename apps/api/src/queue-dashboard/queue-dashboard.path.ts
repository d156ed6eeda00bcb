/** Where the queue dashboard is served: under the console's /admin, whose wildcard its static routes outrank. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';
