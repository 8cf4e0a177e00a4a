"""Trains the iris classifier and lays it out the way one real model server loads it.

    <venv>/bin/python tools/model-servers/train_fixture.py {mlserver|seldon|kserve} <folder>

Run with the server's own venv (tools/model-servers/install.sh does), so the joblib file is
pickled by the scikit-learn that will load it. The fit is deterministic: scikit-learn's copy of
the iris data (tools/train-iris/iris.csv) and LogisticRegression with a fixed random_state: the
estimator tools/train-iris fits for the embedded model-server, here to scikit-learn's own
tolerance, so its probabilities differ from the embedded model-server's from the fourth digit on.
"""

import csv
import json
import shutil
import sys
from pathlib import Path

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
IRIS_CSV = HERE.parent / "train-iris" / "iris.csv"
# The graph root of the test's SeldonDeployments: it names the model in V2 and TF paths.
MODEL_NAME = "classifier"


def train() -> LogisticRegression:
    with IRIS_CSV.open() as f:
        rows = list(csv.reader(f))[1:]  # the first line is sklearn's header: 150,4,<class names>
    features = np.array([[float(v) for v in row[:4]] for row in rows])
    classes = np.array([int(row[4]) for row in rows])
    return LogisticRegression(max_iter=1000, random_state=0).fit(features, classes)


def write_mlserver(folder: Path) -> None:
    # MLServer's model repository: a folder per model with model-settings.json beside the artifact
    # (https://mlserver.readthedocs.io/en/1.7.1/reference/model-settings.html).
    settings = {
        "name": MODEL_NAME,
        "implementation": "mlserver_sklearn.SKLearnModel",
        "parameters": {"uri": "./model.joblib", "version": "v1"},
    }
    (folder / "model-settings.json").write_text(json.dumps(settings, indent=2) + "\n")


def write_seldon(folder: Path) -> None:
    # seldon-core-microservice imports the class named on its command line from its working folder.
    shutil.copy(HERE / "IrisClassifier.py", folder / "IrisClassifier.py")


def write_kserve(folder: Path) -> None:
    shutil.copy(HERE / "kserve_iris.py", folder / "kserve_iris.py")


LAYOUTS = {"mlserver": write_mlserver, "seldon": write_seldon, "kserve": write_kserve}


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in LAYOUTS:
        sys.exit(f"usage: train_fixture.py {{{'|'.join(LAYOUTS)}}} <folder>")
    server, folder = sys.argv[1], Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(train(), folder / "model.joblib")
    LAYOUTS[server](folder)
    print(f"train_fixture.py: iris model for {server} in {folder}")


if __name__ == "__main__":
    main()
