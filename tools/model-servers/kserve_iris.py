"""The iris model on KServe's Python model server, v1 (`/v1/models/<name>:predict`) and V2.

KServe's own scikit-learn server (kserve/kserve python/sklearnserver, `SKLearnModel`) is not
published on PyPI, so this is the custom kserve.Model its docs describe, answering as
`SKLearnModel.predict` does with PREDICT_PROBA=true: the rows read by kserve.utils'
get_predict_input, predict_proba, the answer made by get_predict_response (v1
`{"predictions": [[...]]}`, V2 one FP64 output `output-0`).

    python kserve_iris.py --model_name classifier --http_port 8080 --grpc_port 8081
"""

from pathlib import Path

import joblib
import kserve
from kserve.errors import InferenceError
from kserve.utils.utils import get_predict_input, get_predict_response


class IrisModel(kserve.Model):
    def __init__(self, name: str):
        super().__init__(name)
        self.model = None
        self.load()

    def load(self) -> bool:
        self.model = joblib.load(Path(__file__).resolve().parent / "model.joblib")
        self.ready = True
        return self.ready

    def predict(self, payload, headers=None, response_headers=None):
        instances = get_predict_input(payload)
        try:
            result = self.model.predict_proba(instances)
        except Exception as e:
            raise InferenceError(str(e))
        return get_predict_response(payload, result, self.name)


if __name__ == "__main__":
    # kserve.model_server parses the command line (--model_name, --http_port, --grpc_port, ...).
    kserve.ModelServer().start([IrisModel(kserve.model_server.args.model_name)])
