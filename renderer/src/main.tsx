// Renderer entry: mount the dashboard and start feeding the store from the PlantDesk API.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api/getApi';
import { App } from './containers/App';
import { startSync } from './state/sync';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('PlantDesk: #root element missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
startSync(getApi());
