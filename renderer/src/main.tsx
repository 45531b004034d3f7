import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { getBridge } from './api/bridge';
import { NoBridge } from './app/no-bridge';
import { createQueryClient } from './app/query-client';
import { prefetchFirstScreen } from './app/first-screen-prefetch';
import { createAppRouter } from './app/router';
import { ToastProvider } from './app/toasts';
import { setupProblems } from './setup/check-setup';
import { SetupScreen } from './setup/setup-screen';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html lost its #root element');

/** The app's tree, its query client and router made once; the first screen's data starts loading here, before React renders. */
function appTree() {
  if (!getBridge()) return <NoBridge />;
  const queryClient = createQueryClient();
  const router = createAppRouter();
  prefetchFirstScreen(queryClient, router.state.matches);
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  );
}

const root = createRoot(container);
root.render(<StrictMode>{appTree()}</StrictMode>);

// The app renders at once; a build without its configuration then switches to the setup screen.
const bridge = getBridge();
if (bridge) {
  void setupProblems(bridge).then((problems) => {
    if (problems)
      root.render(
        <StrictMode>
          <SetupScreen problems={problems} />
        </StrictMode>,
      );
  });
}
