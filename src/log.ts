// One LogOutputChannel behind a tiny wrapper that logs stacks.
import * as vscode from 'vscode';

export class Log {
  private readonly channel = vscode.window.createOutputChannel('Istio Workbench', { log: true });

  get output(): vscode.LogOutputChannel {
    return this.channel;
  }

  info(msg: string): void {
    this.channel.info(msg);
  }

  warn(msg: string): void {
    this.channel.warn(msg);
  }

  error(msg: string, e?: unknown): void {
    this.channel.error(e === undefined ? msg : `${msg}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** An output channel created only when first written to (server output, trace). */
export class LazyLogChannel {
  private channel: vscode.LogOutputChannel | undefined;

  constructor(private readonly name: string) {}

  get(): vscode.LogOutputChannel {
    this.channel ??= vscode.window.createOutputChannel(this.name, { log: true });
    return this.channel;
  }

  dispose(): void {
    this.channel?.dispose();
  }
}

/** Problems with the extension itself: one toast, with a way to the logs. */
export async function showErrorWithLogs(message: string, log: Log): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Show Logs');
  if (choice) log.show();
}
