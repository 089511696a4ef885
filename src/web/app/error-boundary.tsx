import { Component, type ReactNode } from 'react';

type State = { error: Error | null };

/**
 * Catches a page that fails to render or to load its code (for example after an update replaced
 * the files it needs), and offers a reload instead of a blank screen.
 */
export class PageErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render() {
    if (!this.state.error) return this.props.children;
    const isChunk = /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(this.state.error.message);
    return (
      <div role="alert" className="card mx-auto max-w-lg space-y-3 p-6 text-center">
        <p className="font-semibold">{isChunk ? 'This page could not be loaded' : 'Something went wrong on this page'}</p>
        <p className="text-sm text-muted">
          {isChunk ? 'MindfulCRM may have been updated, or the connection dropped.' : 'Your data is safe.'} Reload the page to try again.
        </p>
        <button type="button" className="btn-primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
