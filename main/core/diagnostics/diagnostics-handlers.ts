import type { ApiHandlers } from '../../../common/api';
import type { AuditLog } from '../audit/audit-log';
import { auditCsv } from '../audit/audit-store';
import type { BookingDb } from '../bookings/booking-db';
import type { DebugMode } from '../debug/debug-mode';
import { readIntegration } from '../integration/integration-records';
import type { AppCorePorts, SettingsStore } from '../ports';
import type { ActivityLog } from './activity-log';
import { collectDiagnostics } from './collect-diagnostics';

export type DiagnosticsHandlers = Pick<ApiHandlers, 'getDiagnostics' | 'listAudit' | 'exportAuditCsv'>;

export interface DiagnosticsHandlersDeps {
  readonly version: string;
  readonly runtime: AppCorePorts['runtime'];
  readonly dataDir: string;
  readonly databaseFile: string;
  readonly settings: SettingsStore;
  readonly activityLog: ActivityLog;
  readonly db: BookingDb;
  readonly audit: AuditLog;
  readonly debug: DebugMode;
}

/** Settings → Diagnostics: versions, the activity ring, quarantined events, the audit log and debug captures. */
export function createDiagnosticsHandlers(deps: DiagnosticsHandlersDeps): DiagnosticsHandlers {
  const { db, audit, debug, runtime } = deps;
  const integration = () => readIntegration(deps.settings);
  return {
    getDiagnostics: async () =>
      collectDiagnostics({
        versions: {
          app: deps.version,
          node: process.versions.node,
          platform: `${process.platform} ${process.arch}`,
          host: runtime?.host ?? 'browser',
          ...(runtime?.electron ? { electron: runtime.electron } : {}),
          ...(runtime?.chrome ? { chrome: runtime.chrome } : {}),
        },
        dataFolder: deps.dataDir,
        databaseFile: deps.databaseFile,
        activity: deps.activityLog,
        quarantined: () => {
          const store = db.current();
          const channel = integration()?.channel.channelId;
          return store && channel ? store.quarantined(channel) : [];
        },
        calcomCalls: () => audit.list({ limit: 50 }),
        debug: () => debug.state(),
        webhookBodies: () => debug.bodies(),
        calcomReadIssues: () => {
          const store = db.current();
          const userId = integration()?.userId;
          return store && userId !== undefined ? store.readIssues(userId) : [];
        },
      }),
    listAudit: async (query) => audit.list(query),
    exportAuditCsv: async (query) => ({ csv: auditCsv(audit.list(query)) }),
  };
}
