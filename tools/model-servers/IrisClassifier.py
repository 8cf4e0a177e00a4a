"""The iris model as a Seldon Core 1.x Python microservice (protocol v1).

Seldon's wrapper calls predict(X, feature_names) with the request's rows as a numpy array and
answers {"data": {"names": ["t:0", "t:1", "t:2"], "ndarray": [...]}, "meta": {...}}, the names made
from the columns (https://docs.seldon.io/projects/seldon-core/en/v1.18.2/python/python_component.html).
The class name is the module name, as seldon-core-microservice expects.
"""

from pathlib import Path

import joblib


class IrisClassifier:
    def __init__(self):
        self.model = joblib.load(Path(__file__).resolve().parent / "model.joblib")

    def predict(self, X, feature_names=None):
        return self.model.predict_proba(X)
