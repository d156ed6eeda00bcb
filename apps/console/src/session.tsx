import { createContext, useContext } from 'react';
import type { Caller, Scope } from './types';

export interface Session {
  caller: Caller;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** Whether the key may do what needs one of these scopes (`admin` may do everything, as the API decides). */
export function allows(caller: Caller, ...scopes: Scope[]): boolean {
  return caller.scopes.includes('admin') || scopes.some((scope) => caller.scopes.includes(scope));
}
