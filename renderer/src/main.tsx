import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { getBridge } from './api/bridge';
import { NoBridge } from './app/no-bridge';
import { createQueryClient } from './app/query-client';
import { createAppRouter } from './app/router';
import { ToastProvider } from './app/toasts';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html lost its #root element');

createRoot(container).render(
  <StrictMode>
    {getBridge() ? (
      <QueryClientProvider client={createQueryClient()}>
        <ToastProvider>
          <RouterProvider router={createAppRouter()} />
        </ToastProvider>
      </QueryClientProvider>
    ) : (
      <NoBridge />
    )}
  </StrictMode>,
);
