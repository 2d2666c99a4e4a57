"""RQ worker entry point: ``python worker.py`` runs jobs inside an app context."""

from app import create_app
from app.core.jobs import make_worker

if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        make_worker(app).work(with_scheduler=False)
