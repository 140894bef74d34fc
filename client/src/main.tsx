import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useRoute } from './lib/route.js';
import { MessagePage } from './components/Shell.js';
import { CataloguePage } from './pages/CataloguePage.js';
import { ConsolePage } from './pages/ConsolePage.js';
import { AuditPage } from './pages/AuditPage.js';
import { CandidatesPage } from './pages/CandidatesPage.js';
import { DashboardPage } from './pages/DashboardPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { ReplayPage } from './pages/ReplayPage.js';
import { ReportPage } from './pages/ReportPage.js';
import { SessionPage } from './pages/SessionPage.js';
import { TokensPage } from './pages/TokensPage.js';
import { UsersPage } from './pages/UsersPage.js';
import './styles.css';

/**
 * Pages are keyed by the whole link: a token changed in the address bar (a corrected link pasted
 * into the same tab) mounts the page afresh, so nothing of the old link (its error, its session,
 * its terminal socket) outlives it.
 */
function App() {
  const route = useRoute();
  switch (route.page) {
    case 'catalogue':
      return <CataloguePage />;
    case 'dashboard':
      return <DashboardPage />;
    case 'login':
      return <LoginPage />;
    case 'users':
      return <UsersPage />;
    case 'tokens':
      return <TokensPage />;
    case 'audit':
      return <AuditPage />;
    case 'candidates':
      return <CandidatesPage />;
    case 'session':
      return <SessionPage key={`${route.id}#${route.token}`} id={route.id} token={route.token} />;
    case 'console':
      return <ConsolePage key={`${route.id}#${route.token}`} id={route.id} token={route.token} />;
    case 'report':
      return <ReportPage key={`${route.id}#${route.token}`} id={route.id} token={route.token} />;
    case 'replay':
      return <ReplayPage key={`${route.id}#${route.token}`} id={route.id} token={route.token} />;
    case 'not-found':
      return (
        <MessagePage title="There is no page here" tone="danger">
          <p>
            Nothing lives at <code>{window.location.pathname}</code>. Session links look like <code>/s/…#…</code>; check that the whole link was
            copied.
          </p>
          <p>
            <a href="/">Go to the scenarios</a>
          </p>
        </MessagePage>
      );
  }
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
