/** Electron transport of AppApi: the preload's `window.apprentice` bridge. */
import type { AppApi, AppEvents, EventName } from '../../src/api/contract';
import type { ApprenticeBridge } from './global';
import { AppError } from '../../src/api/errors';
import { unwrapReply } from '../../src/api/reply';

export function createIpcClient(bridge: ApprenticeBridge): AppApi {
  return {
    async invoke(method, input) {
      let reply: unknown;
      try {
        reply = await bridge.invoke(method, input ?? {});
      } catch {
        throw new AppError('INTERNAL', 'The studio lost contact with the Apprentice core.');
      }
      return unwrapReply(reply);
    },
    on<E extends EventName>(event: E, listener: (payload: AppEvents[E]) => void) {
      return bridge.on(event, listener as (payload: unknown) => void);
    },
  };
}
