// "Route Tables": Envoy routes of the sidecar selected in the Mesh view. Empty (welcome content) until a cluster is connected.
import * as vscode from 'vscode';

export type RouteNode = never;

export class RouteTablesProvider implements vscode.TreeDataProvider<RouteNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RouteNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(): RouteNode[] {
    return [];
  }

  getTreeItem(node: RouteNode): vscode.TreeItem {
    return node;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
