/**
 * The pg pool, able to follow a rotated password. When the server refuses the password of
 * a new connection (`28P01`: Secrets Manager rotated it while the credentials the pool
 * reads were still cached), the pool asks for the credentials again past every cache and
 * tries that connection once more. Connections already open keep working through a
 * rotation (PostgreSQL checks the password only at login), so only new ones can fail.
 */
import pg from 'pg';
import { INVALID_PASSWORD, sqlState } from './errors.js';

type ConnectCallback = (
  error: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

export class ReauthenticatingPool extends pg.Pool {
  /** One re-read at a time: the connections that failed together wait for the same one. */
  private refreshing: Promise<void> | undefined;

  /**
   * @param refreshCredentials re-reads the credentials that `config` reads (its `password`
   *   function), past any cache; without it a refused password is final.
   */
  constructor(
    config: pg.PoolConfig,
    private readonly refreshCredentials?: () => Promise<void>,
  ) {
    super(config);
  }

  // pg-pool's own `query` checks clients out through `connect(callback)`, so both forms
  // go through the retry.
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | undefined {
    const connecting = super.connect().catch(async (error: unknown) => {
      if (!this.refreshCredentials || sqlState(error) !== INVALID_PASSWORD) throw error;
      await this.refreshedCredentials();
      return super.connect();
    });
    if (!callback) return connecting;
    connecting.then(
      (client) => callback(undefined, client, (release) => client.release(release as boolean)),
      (error: Error) => callback(error, undefined, () => undefined),
    );
    return undefined;
  }

  private refreshedCredentials(): Promise<void> {
    this.refreshing ??= this.refreshCredentials!().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }
}
