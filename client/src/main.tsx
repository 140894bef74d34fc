import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useRoute } from './lib/route.js';
import { MessagePage } from './components/Shell.js';
import { CataloguePage } from './pages/CataloguePage.js';
import { ConsolePage } from './pages/ConsolePage.js';
import { ReplayPage } from './pages/ReplayPage.js';
import { ReportPage } from './pages/ReportPage.js';
import { SessionPage } from './pages/SessionPage.js';
import './styles.css';

function App() {
  const route = useRoute();
  switch (route.page) {
    case 'catalogue':
      return <CataloguePage />;
    case 'session':
      return <SessionPage key={route.id} id={route.id} token={route.token} />;
    case 'console':
      return <ConsolePage key={route.id} id={route.id} token={route.token} />;
    case 'report':
      return <ReportPage key={route.id} id={route.id} token={route.token} />;
    case 'replay':
      return <ReplayPage key={route.id} id={route.id} token={route.token} />;
    case 'not-found':
      return (
        <MessagePage title="Nothing here">
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
