"""Recurrent layers: cells, the generic ``RNN``, ``SimpleRNN``/``LSTM``/``GRU`` and wrappers."""
from cornu.layers.rnn.bidirectional import Bidirectional
from cornu.layers.rnn.conv_lstm1d import ConvLSTM1D
from cornu.layers.rnn.conv_lstm2d import ConvLSTM2D
from cornu.layers.rnn.conv_lstm3d import ConvLSTM3D
from cornu.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from cornu.layers.rnn.gru import GRU, GRUCell
from cornu.layers.rnn.lstm import LSTM, LSTMCell
from cornu.layers.rnn.rnn import RNN
from cornu.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from cornu.layers.rnn.stacked_rnn_cells import StackedRNNCells
from cornu.layers.rnn.time_distributed import TimeDistributed
from cornu.serialization import register_builtin

_PUBLIC = [RNN, SimpleRNNCell, SimpleRNN, LSTMCell, LSTM, GRUCell, GRU, StackedRNNCells,
           Bidirectional, TimeDistributed, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D]
for _cls in _PUBLIC:
    register_builtin("keras.layers", _cls)

__all__ = [c.__name__ for c in _PUBLIC] + ["DropoutRNNCell"]
