// Language server entry: only wiring. Runs over IPC (started by the extension) or stdio (`node dist/server.js --stdio`).
import { CodeActionKind, createConnection, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { VERSION } from './core/version';
import { CodeActionHandler } from './lsp/codeActions';
import { SchemaAssistHandler } from './lsp/completion';
import { DiagnosticsHandler } from './lsp/diagnostics';
import { injectionHover } from './inject/hover';
import { INJECTION_ACTION_KINDS, InjectionHandler } from './lsp/injection';
import { MeshHandler } from './lsp/mesh';
import { DocumentResourcesHandler } from './lsp/resources';
import { SettingsStore } from './lsp/settings';
import { DocumentSymbolHandler } from './lsp/symbols';
import { ParseCache } from './yaml/cache';
import { bundledSchemaStore, customSchemas } from './analysis/schema';
import { CrdSchemaHandler } from './lsp/crds';
import { FileFindings } from './lsp/findings';
import { WorkspaceDiagnosticsHandler } from './lsp/workspaceDiagnostics';
import { ClosedFileReports, ClosedFilesPublisher } from './lsp/closedFiles';

const connection = createConnection(ProposedFeatures.all);
// Never write to stdout: in stdio mode it is the protocol channel.
console.log = (...a: unknown[]) => connection.console.log(a.map(String).join(' '));
console.info = (...a: unknown[]) => connection.console.info(a.map(String).join(' '));
console.warn = (...a: unknown[]) => connection.console.warn(a.map(String).join(' '));
console.error = (...a: unknown[]) => connection.console.error(a.map(String).join(' '));
process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`));

const documents = new TextDocuments(TextDocument);
const cache = new ParseCache();
const fileFindings = new FileFindings(() => customSchemas.generation);
let settings: SettingsStore | undefined;
let mesh: MeshHandler | undefined;
let crds: CrdSchemaHandler | undefined;
let injection: InjectionHandler | undefined;
let folders: string[] = [];
let watchFiles = false;
let folderEvents = false;
/** Settings or run-time schemas changed: every open document and the workspace report are re-validated. */
let refreshAll: () => void = () => undefined;

connection.onInitialize((params): InitializeResult => {
  const caps = params.capabilities;
  const pull = !!caps.textDocument?.diagnostic;
  dynamicConfig = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
  settings = new SettingsStore(connection, !!caps.workspace?.configuration);
  const diag = new DiagnosticsHandler(connection, documents, cache, settings, pull, fileFindings);
  diag.registerHandlers();
  mesh = new MeshHandler(connection, documents, cache, (uris) => diag.refreshDocuments(uris), !!caps.workspace?.configuration);
  mesh.registerHandlers();
  diag.extraFindings = (uri, s) => mesh?.findingsFor(uri, s) ?? [];
  // The workspace's closed files: pull clients get them through workspace/diagnostic (held until something changes),
  // push clients as published diagnostics.
  const closedReports = new ClosedFileReports(mesh, fileFindings, settings);
  const closedFiles = pull ? new WorkspaceDiagnosticsHandler(connection, mesh, closedReports) : new ClosedFilesPublisher(connection, documents, mesh, closedReports);
  closedFiles.registerHandlers();
  mesh.onAnalyzed = () => closedFiles.changed();
  refreshAll = () => {
    diag.refreshAll();
    closedFiles.changed();
  };
  crds = new CrdSchemaHandler(connection, documents, cache, customSchemas, () => refreshAll(), !!caps.workspace?.configuration);
  crds.registerHandlers();
  mesh.extraWatchedFiles = (p) => crds?.filesChanged(p);
  folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  watchFiles = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  folderEvents = !!caps.workspace?.workspaceFolders;
  new DocumentSymbolHandler(connection, documents, cache).registerHandlers();
  new DocumentResourcesHandler(connection, documents, cache).registerHandlers();
  const codeActions = new CodeActionHandler(connection, documents, cache, settings, fileFindings);
  codeActions.registerHandlers();
  const inj = new InjectionHandler(connection, documents, cache, !!caps.workspace?.configuration);
  injection = inj;
  inj.registerHandlers();
  codeActions.extraActions = (p) => inj.codeActions(p);
  codeActions.extraFindings = (uri, s) => mesh?.findingsFor(uri, s) ?? [];
  const assist = new SchemaAssistHandler(connection, documents, cache, bundledSchemaStore);
  assist.extraHover = (parsed, offset) => injectionHover(parsed, offset, () => inj.hoverSource());
  assist.registerHandlers();
  return {
    serverInfo: { name: 'istio-workbench', version: VERSION },
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      documentSymbolProvider: { label: 'Istio Workbench' },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, ...INJECTION_ACTION_KINDS.filter((k) => k !== CodeActionKind.QuickFix)] },
      codeLensProvider: { resolveProvider: false },
      completionProvider: { triggerCharacters: [':', '-'] },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      ...(pull ? { diagnosticProvider: { identifier: 'istio-workbench', interFileDependencies: true, workspaceDiagnostics: true } } : {}),
    },
  };
});

let dynamicConfig = false;
connection.onInitialized(() => {
  // How dist/server.js loaded this bundle (server/src/boot/codeCache.ts).
  const boot = (globalThis as Record<symbol, { state: string; file?: string } | undefined>)[Symbol.for('istio-workbench.boot')];
  if (boot) connection.console.info(`V8 code cache: ${boot.state}${boot.file ? ` (${boot.file})` : ''}`);
  if (dynamicConfig) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
  if (watchFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] });
  void mesh?.indexFolders(folders);
  if (folderEvents) {
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const gone = new Set(e.removed.map((f) => f.uri));
      folders = [...folders.filter((u) => !gone.has(u)), ...e.added.map((f) => f.uri)];
      void mesh?.foldersChanged(e.added.map((f) => f.uri), e.removed.map((f) => f.uri));
      void crds?.loadFolders(folders);
    });
  }
  void crds?.loadFolders(folders);
  void injection?.start(folders);
});

connection.onDidChangeConfiguration((params) => {
  settings?.clear();
  mesh?.configurationChanged();
  crds?.configurationChanged();
  void injection?.configurationChanged(params.settings);
  refreshAll();
});

documents.listen(connection);
connection.listen();
